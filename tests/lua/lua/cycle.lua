-- cycle.lua: a table that contains itself cannot become template data.
function on_page(page)
  page.self = page
end
