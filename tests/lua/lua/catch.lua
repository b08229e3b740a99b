-- catch.lua: catching the budget error does not buy more time.
function on_page(page)
  while true do
    pcall(function() while true do end end)
  end
end
