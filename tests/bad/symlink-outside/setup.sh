ln -s /etc/hostname content/hosts.txt
