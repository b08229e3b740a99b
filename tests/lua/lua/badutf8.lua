-- badutf8.lua: half a character.
function on_page(page)
  page.cut = string.sub("总体", 1, 2)
end
