-- badkey.lua: a key cut inside a character.
function on_page(page)
  page.units = { [string.sub("总", 1, 1)] = 1 }
end
