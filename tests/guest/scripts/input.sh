# Reads one line from the console: console input reaches a program.
read -r line
echo "got: $line"
