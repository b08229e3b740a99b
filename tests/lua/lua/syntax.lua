-- syntax.lua: a syntax error on line 4.
function on_page(page)
  page.x = 1
  if page.x then
end
