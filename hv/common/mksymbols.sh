#!/bin/sh
# Emits hv's symbol table as assembly: the text symbols of ELF (offsets
# from __image_start, sorted) and their names.  With no ELF, an empty
# table for the first link pass.
# usage: mksymbols.sh [ELF] > symbols.S
set -eu
NM=${NM:-nm}
if [ $# -gt 0 ]; then
	"$NM" -n --defined-only "$1"
fi | awk '
BEGIN { n = 0; base = 0 }
function hex32(s,    i, v) {
	s = tolower(substr(s, length(s) - 7))
	v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
$3 == "__image_start" { base = hex32($1) }
$2 ~ /^[tTwW]$/ { addr[n] = hex32($1); name[n] = $3; n++ }
END {
	print "\t.section .rodata.symbols, \"a\""
	print "\t.balign 8"
	print "\t.globl symbols_count"
	printf "symbols_count:\n\t.quad %d\n", n
	print "\t.globl symbols_offsets"
	print "symbols_offsets:"
	for (i = 0; i < n; i++)
		printf "\t.long %d\n", addr[i] - base
	print "\t.globl symbols_name_offsets"
	print "symbols_name_offsets:"
	off = 0
	for (i = 0; i < n; i++) {
		printf "\t.long %d\n", off
		off += length(name[i]) + 1
	}
	print "\t.globl symbols_names"
	print "symbols_names:"
	for (i = 0; i < n; i++)
		printf "\t.asciz \"%s\"\n", name[i]
}'
