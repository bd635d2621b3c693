#!/usr/bin/env bash
# Unusable captures: saker exits non-zero with one clear line naming the file
# and the byte offset, and never crashes.
. "$(dirname "$0")/lib.sh"

src=$CAPTURES/syscall.scap
gzip -dc "$src" >"$tmp/plain.scap"
size=$(stat -c %s "$tmp/plain.scap")

expect_error() { # name file pattern
	local name=$1 file=$2 pattern=$3
	"$SAKER" -e "$file" --dump >/dev/null 2>"$tmp/err"
	local rc=$?
	if [ $rc -ne 1 ]; then
		not_ok "$name: exit code $rc, want 1 ($(head -c 200 "$tmp/err"))"
	elif ! grep -qE "$pattern" "$tmp/err"; then
		not_ok "$name: message '$(head -c 200 "$tmp/err")' does not match /$pattern/"
	else
		ok "$name: $(head -c 160 "$tmp/err")"
	fi
}

: >"$tmp/empty.scap"
expect_error "empty file" "$tmp/empty.scap" "empty.scap"

head -c 1000 "$tmp/plain.scap" >"$tmp/trunc.scap"
expect_error "truncated file" "$tmp/trunc.scap" "trunc.scap: offset [0-9]+"

{ printf 'XXXX'; tail -c +5 "$tmp/plain.scap"; } >"$tmp/magic.scap"
expect_error "wrong magic" "$tmp/magic.scap" "magic.scap: offset 0"

# The second block's length field made enormous.
{ head -c 32 "$tmp/plain.scap"; printf '\xf0\xff\xff\x7f'; tail -c +37 "$tmp/plain.scap"; } >"$tmp/len.scap"
expect_error "block length past the end" "$tmp/len.scap" "len.scap: offset 28"

head -c $((size / 2)) "$tmp/plain.scap" | gzip -c | head -c 3000 >"$tmp/trunc.gz.scap"
expect_error "truncated gzip stream" "$tmp/trunc.gz.scap" "trunc.gz.scap"

expect_error "missing file" "$tmp/does-not-exist.scap" "does-not-exist.scap"

# A random-garbage file never crashes (exit 1, not a signal).
head -c 65536 /dev/urandom >"$tmp/garbage.scap"
"$SAKER" -e "$tmp/garbage.scap" --dump >/dev/null 2>&1
rc=$?
if [ $rc -eq 1 ]; then ok "garbage: refused"; else not_ok "garbage: exit $rc"; fi
finish
