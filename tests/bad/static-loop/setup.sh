# Two links to "." in static/: without loop detection the walk is exponential.
mkdir -p static
ln -s . static/a
ln -s . static/b
