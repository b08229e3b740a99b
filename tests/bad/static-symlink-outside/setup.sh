# static/ may not publish a folder from outside the site.
mkdir -p static
ln -s /etc static/etc
