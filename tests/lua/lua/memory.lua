-- memory.lua: a string that doubles forever; the memory cap stops it.
function on_page(page)
  local s = "0123456789abcdef"
  while true do
    s = s .. s
  end
end
