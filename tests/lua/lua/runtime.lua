-- runtime.lua: a runtime error two calls deep.
local function weight(task)
  return task.weight.value * 2
end

function on_page(page)
  page.w = weight(page)
end
