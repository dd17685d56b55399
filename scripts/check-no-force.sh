#!/usr/bin/env bash
# Source rule for CI: no `try!`, `fatalError(` or force unwrap / force cast (`x!`, `f()!`, `a[i]!`, `as!`) in
# Sources/, where a user's input or a file's content could reach it. Tests are exempt. A line may opt out
# with a comment saying why:   let x = y!   // allow-force: y is set two lines above
#
#   scripts/check-no-force.sh [DIR...]      (default: Sources)
# Prints each offence as file:line: text and exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[[ ${#dirs[@]} -gt 0 ]] || dirs=(Sources)

mapfile -t files < <(find "${dirs[@]}" -name '*.swift' -type f | sort)
[[ ${#files[@]} -gt 0 ]] || exit 0

# String literals and comments are blanked out first (so "hello!" and // wow! are fine); multi-line
# """ strings and /* */ comments are tracked across lines.
perl -ne '
    BEGIN { $in_block = 0; $in_multi = 0; $bad = 0 }
    if (eof) { $last = 1 } else { $last = 0 }
    my $raw = $_;
    chomp $raw;
    my $code = "";
    my $s = $raw;
    while (length $s) {
        if ($in_block) {
            if ($s =~ s/^.*?\*\///) { $in_block = 0 } else { $s = "" }
        } elsif ($in_multi) {
            if ($s =~ s/^.*?"""//) { $in_multi = 0; $code .= "\"\"" } else { $s = "" }
        } elsif ($s =~ s/^"""//) {
            $in_multi = 1;
        } elsif ($s =~ s/^"(?:[^"\\]|\\.)*"//) {
            $code .= "\"\"";
        } elsif ($s =~ s/^\/\*//) {
            $in_block = 1;
        } elsif ($s =~ s/^\/\/.*//) {
        } else {
            $s =~ s/^(.)//s; $code .= $1;
        }
    }
    my $allowed = $raw =~ /\/\/\s*allow-force:\s*\S/;
    # Interpolations are code too: "\(x!)" is caught on the raw line.
    my $interpolated = $raw =~ /\\\([^)]*[A-Za-z0-9_)\]]!(?!=)/;
    if (!$allowed && ($code =~ /\btry!/ || $code =~ /\bfatalError\s*\(/ || $code =~ /[A-Za-z0-9_)\]]!(?!=)/ || $interpolated)) {
        print "$ARGV:$.: $raw\n";
        $bad++;
    }
    if (eof) { close ARGV; $in_block = 0; $in_multi = 0 }   # reset line numbers and state per file
    END { exit($bad ? 1 : 0) }
' "${files[@]}" && exit 0

echo "check-no-force: the lines above use try!, fatalError or a force unwrap/cast (!); handle the nil or error," >&2
echo "or add '// allow-force: reason' on the line if it truly cannot fail." >&2
exit 1
