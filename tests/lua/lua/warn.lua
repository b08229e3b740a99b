-- warn.lua: warnings and errors attributed to content.
function on_page(page)
  if page.progress > 100 then
    planpress.error("progress must be 0..100, got " .. page.progress, page, "progress")
  end
  planpress.warn("check this page", page)
  planpress.warn("at a string place", "content/y.md:7:2")
  planpress.warn("at the hook")
  page.after_error = "still ran"
end
