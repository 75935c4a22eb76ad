#!/bin/sh
# Makes the small CJK font the PDF tests use, so that `cargo test` needs no system font:
# Noto Serif CJK SC (SIL Open Font License 1.1), cut down to the characters of the fixture
# site tests/fixtures/issues/ and of the strings the PDF edition prints itself.
#
# Source: the Debian package fonts-noto-cjk (1:20220127+repack1-1, bookworm), file
# /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc, face 2 (SC).
# Needs fonttools (`pip install fonttools`) for pyftsubset.
#
#   apt-get download fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb /tmp/noto
#   scripts/subset-font.sh /tmp/noto/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc
#
# Run it again after changing the fixture's text.
set -eu
ttc=${1:-/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc}
here=$(cd "$(dirname "$0")/.." && pwd)
fixture="$here/tests/fixtures/issues"
out="$fixture/fonts/NotoSerifCJKsc-subset.otf"
text=$(mktemp)
trap 'rm -f "$text"' EXIT
# The fixture's own text, then what the PDF prints besides: numbers, labels, dates, the 报尾.
find "$fixture" -name '*.md' -o -name '*.yaml' | sort | xargs cat > "$text"
printf '%s\n' '第期总增刊（）编者按：签发人共印份报送发年月日记者通讯员实习生摄 — ——' \
  '，。、；：“”‘’！？《》·' >> "$text"
pyftsubset "$ttc" --font-number=2 --text-file="$text" \
  --unicodes='U+0020-007E' --name-IDs='*' --output-file="$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
