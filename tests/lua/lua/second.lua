-- second.lua: a second hook sees what the first added, in load order.
function on_page(page)
  page.words_twice = page.words * 2
  on_page_seen = (on_page_seen or 0) + 1
  page.seen = on_page_seen
end
