-- memtable.lua: a table that grows forever.
function on_page(page)
  local t = {}
  local i = 0
  while true do
    i = i + 1
    t[i] = { i, tostring(i) }
  end
end
