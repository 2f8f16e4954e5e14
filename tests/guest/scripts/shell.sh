# busybox sh exercising fork/exec/wait, pipes, ramfs files, mmap, signals
# and a deliberate segfault.  tests/guest/expected/shell.out is its output.
echo "-- fork/exec/wait"
true; echo "true -> $?"
false; echo "false -> $?"
sh -c 'exit 7'; echo "sh -c exit 7 -> $?"
echo "$(echo nested $(echo substitution))"
sleep 0.1 &
wait $!; echo "background job -> $?"
[ "$(sh -c 'echo $PPID')" = "$$" ] && echo "child's parent is this shell"
/bin/nosuch 2>/dev/null; echo "missing command -> $?"

echo "-- pipes"
echo "alpha beta gamma delta" | tr ' ' '\n' | sort -r | head -3
seq 1 2000 | grep 7 | wc -l
yes pipe | head -2
echo "abc" | sed 's/b/B/' | cat

echo "-- files"
cd /tmp
mkdir -p d/e
echo hello > d/e/f
echo world >> d/e/f
cat d/e/f
wc -l < d/e/f
cp d/e/f d/g
mv d/g d/h
ln -s e/f d/link
ls d
cat d/link | head -1
readlink d/link
rm d/h
ls d
rmdir d/e 2>/dev/null || echo "rmdir non-empty refused"
stat -c '%s %F' d/e/f
dd if=/dev/zero of=zero.bin bs=1024 count=64 2>/dev/null
wc -c < zero.bin
head -c 4 /dev/zero | od -An -tx1
(cd d/e && pwd)
printf 'line1\nline2\nline3\n' > lines.txt
sort -r lines.txt | tail -1
grep -c line lines.txt
cat > here.txt <<END
here document $((6 * 7))
END
cat here.txt
rm -r d zero.bin lines.txt here.txt
ls /tmp | wc -l

echo "-- mmap and memory"
/bin/abi_test /tmp 2>&1 | sed -n '/== memory/,/== signals/p' | grep -v '== signals'

echo "-- signals"
trap 'echo "caught USR1"' USR1
kill -USR1 $$
trap - USR1
sh -c 'kill -TERM $$; echo not reached'; echo "TERM default action -> $?"
sh -c 'trap "echo child caught INT; exit 3" INT; kill -INT $$; sleep 5'; echo "INT handler -> $?"
sleep 5 &
pid=$!
kill $pid
wait $pid; echo "killed sleeper -> $?"

echo "-- segfault"
/bin/segv; echo "segv -> $?"
echo "shell still alive"
