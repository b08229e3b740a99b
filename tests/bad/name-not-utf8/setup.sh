# A GB18030 file name (报告 is \261\250\270\346) in content/ and a Latin-1 one in static/.
printf -- '---\ntitle: 报告\n---\n' >"content/$(printf '\261\250\270\346').md"
mkdir -p static
echo x >"static/caf$(printf '\351').txt"
