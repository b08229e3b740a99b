-- bigrep.lua: one huge string.rep.
function on_page(page)
  page.x = string.rep("x", 1 << 40)
end
