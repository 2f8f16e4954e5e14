# Runs the ABI test program; its output must match the host build's.
mkdir -p /tmp/abi
/bin/abi_test /tmp/abi
