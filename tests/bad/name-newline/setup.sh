# A newline in a name would split a manifest line: content/foo<newline>CNAME.
echo x >"content/foo
CNAME"
