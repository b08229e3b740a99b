-- loop.lua: never ends; the budget stops it.
function on_page(page)
  local n = 0
  while true do n = n + 1 end
end
