# tests/progress/flatten.awk: pretty-printed JSON (one field per line, as
# planpress writes data/*.json) to one "path = value" line per scalar, e.g.
#   .tasks[2].progress = 10
# so that expected values can be looked up line by line.
function here(name) { return depth ? path[depth] name : name }
{
	line = $0
	sub(/^[ \t]+/, "", line)
	sub(/[ \t\r]+$/, "", line)
	if (line == "")
		next
	if (line ~ /^[\]\}],?$/) {
		depth--
		next
	}
	if (depth == 0) {
		depth = 1
		path[1] = ""
		kind[1] = substr(line, 1, 1)
		idx[1] = 0
		next
	}
	if (kind[depth] == "{") {
		if (!match(line, /^"([^"\\]|\\.)*": /)) {
			print "flatten.awk: line " NR ": expected a key: " $0 > "/dev/stderr"
			exit 1
		}
		name = "." substr(line, 2, RLENGTH - 4)
		value = substr(line, RLENGTH + 1)
	} else {
		name = "[" idx[depth] "]"
		idx[depth]++
		value = line
	}
	sub(/,$/, "", value)
	if (value == "{" || value == "[") {
		depth++
		path[depth] = path[depth - 1] name
		kind[depth] = value
		idx[depth] = 0
	} else {
		print path[depth] name " = " value
	}
}
