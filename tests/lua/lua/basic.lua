-- basic.lua: on_page adds fields; on_site summarises nested data.
function on_page(page)
  page.words = #page.title
  page.ratio = page.progress / 100
  page.tags_n = #page.tags
  page.owner = { name = "办公室", phone = 123 }
  page.empty = {}
  page.due_zh = planpress.format_date(page.due)
end

function on_site(site)
  local keys = {}
  for k in pairs(site.units) do keys[#keys + 1] = k end
  site.unit_order = table.concat(keys, ",")
  local total = 0
  for _, t in ipairs(site.tasks) do total = total + t.progress end
  site.summary = { total = total, mean = total / #site.tasks, count = #site.tasks }
  site.list = { 3, 1, 2 }
  site.mixed = { 10, 20, x = 1 }
  site.nothing = planpress.null
  site.when = planpress.date("2019年6月底")
end
