echo hello
exit 3
