#!/bin/sh
# make.sh DIR [N] creates a git repository in DIR with N commits (default
# 20000) for the gitimport benchmark and tests. It is quick because it
# writes no working tree: awk generates a git fast-import stream and
# fast-import packs it (20,000 commits: about 10 s of CPU).
#
# The history looks like a real project's, deterministically (same N, same
# repository, same hashes):
#   - a handful of text files of 20 to 200 lines; most commits edit one to
#     three of them (lines replaced, inserted and deleted);
#   - a rename with a small edit about every 97 commits (so -M pairs it);
#   - binary files (with NUL bytes) changed about every 31 commits;
#   - a side branch merged back about every 50 commits (side commit, main
#     commit, merge), so merges have two real parents;
#   - seven authors, among them one with no email ("<>"), one whose name is
#     Latin-1 (invalid UTF-8) and two differing only in email case.
#
# Usage: bench/gitrepo/make.sh /tmp/gitrepo 20000
set -eu

dir=${1:?usage: make.sh DIR [N]}
n=${2:-20000}
case $n in '' | *[!0-9]*) echo "make.sh: N must be a number" >&2; exit 2 ;; esac
if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
	echo "make.sh: $dir exists and is not empty" >&2
	exit 2
fi

# Keep the user's and the system's git configuration out of it.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export LC_ALL=C

git init -q "$dir"
git -C "$dir" symbolic-ref HEAD refs/heads/main

awk -v n="$n" '
# Each rnd call is a statement of its own: awks differ in the order they
# evaluate arguments and subscripts, and the output must not.
function rnd(m) { seed = (seed * 16807) % 2147483647; return seed % m }
function line(f,   a, b, c) { a = rnd(100000); b = rnd(1000); c = rnd(10); return sprintf("%s line %d: %d %d", names[f], a, b, c) }
function author(   a) {
	a = authors[rnd(nauthors)]
	t += 300 + rnd(3000)
	printf "author %s %d +0000\ncommitter %s %d +0000\n", a, t, authors[0], t + 60
}
function msg(s) { printf "data %d\n%s\n", length(s) + 1, s }
function body(f,   i, s) {
	s = ""
	for (i = 0; i < nlines[f]; i++) s = s text[f, i] "\n"
	return s
}
function put(f,   s) { s = body(f); printf "M 100644 inline %s\ndata %d\n%s\n", names[f], length(s), s }
function edit(f,   k, i, j, op, x, s) {
	k = 1 + rnd(6)
	for (i = 0; i < k; i++) {
		op = rnd(3)
		if (op == 0 || nlines[f] >= 200) {        # replace a line
			if (nlines[f] > 0) { j = rnd(nlines[f]); text[f, j] = line(f) }
		} else if (op == 1 || nlines[f] <= 20) {  # insert a line
			j = rnd(nlines[f] + 1)
			for (x = nlines[f]; x > j; x--) text[f, x] = text[f, x - 1]
			s = line(f); text[f, j] = s; nlines[f]++
		} else {                                 # delete a line
			j = rnd(nlines[f])
			for (x = j; x < nlines[f] - 1; x++) text[f, x] = text[f, x + 1]
			nlines[f]--
		}
	}
}
function binary(b,   size, i) {
	size = 256 + rnd(768)
	printf "M 100644 inline assets/image%d.bin\ndata %d\n", b, size
	for (i = 0; i < size; i++) printf "%c", (i % 7 == 0) ? 0 : 1 + rnd(255)
	printf "\n"
}
function commit(ref, subject) {
	c++; printf "commit %s\nmark :%d\n", ref, c; author(); msg(subject)
}
BEGIN {
	seed = 42; t = 1500000000; c = 0
	nauthors = 7
	authors[0] = "Ada Lovelace <ada@example.org>"
	authors[1] = "Grace Hopper <grace@example.org>"
	authors[2] = "Grace Hopper <GRACE@Example.ORG>"
	authors[3] = "Linus <linus@example.org>"
	authors[4] = "Anonymous <>"
	authors[5] = "J\351r\364me Latin <jerome@example.org>"
	authors[6] = "Zo\303\253 <zoe@example.org>"
	nfiles = 8
	for (f = 0; f < nfiles; f++) {
		names[f] = sprintf("src/file%d.txt", f); nlines[f] = 40 + rnd(40)
		for (i = 0; i < nlines[f]; i++) text[f, i] = line(f)
	}
	commit("refs/heads/main", "initial import")
	for (f = 0; f < nfiles; f++) put(f)
	binary(0)
	printf "\n"
	main = c; renames = 0; sides = 0
	while (c < n) {
		if (c % 50 == 49 && c + 3 <= n) {      # side commit, main commit, merge
			sides++
			commit("refs/heads/side", sprintf("side feature %d", sides))
			printf "from :%d\n", main
			side = sprintf("side/feature%d.txt", sides); s = sprintf("feature %d\nby the side branch\n", sides)
			printf "M 100644 inline %s\ndata %d\n%s\n\n", side, length(s), s
			sidemark = c
			commit("refs/heads/main", sprintf("main work during feature %d", sides))
			printf "from :%d\n", main
			f = rnd(nfiles); edit(f); put(f); printf "\n"
			main = c
			commit("refs/heads/main", sprintf("Merge branch side (feature %d)", sides))
			printf "from :%d\nmerge :%d\n", main, sidemark
			printf "M 100644 inline %s\ndata %d\n%s\n\n", side, length(s), s
			main = c
			continue
		}
		commit("refs/heads/main", sprintf("change %d", c + 1))
		printf "from :%d\n", main
		if (c % 97 == 0) {                     # rename with a small edit
			f = rnd(nfiles); renames++
			old = names[f]; names[f] = sprintf("src/renamed%d.txt", renames)
			printf "R %s %s\n", old, names[f]
			j = rnd(nlines[f]); text[f, j] = line(f); put(f)
		} else {
			k = 1 + rnd(3)
			for (i = 0; i < k; i++) { f = rnd(nfiles); edit(f); put(f) }
		}
		if (c % 31 == 0) binary(rnd(3))
		printf "\n"
		main = c
	}
}' | git -C "$dir" fast-import --quiet

echo "$dir: $(git -C "$dir" rev-list --count main) commits, $(du -sh "$dir/.git" | cut -f1)"
