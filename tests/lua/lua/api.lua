-- api.lua: the planpress module, its results stored for the test to read.
function on_site(site)
  local r = {}
  local function iso(d) return d and tostring(d) or "nil" end
  r.iso = iso(planpress.date("2019-06-30"))
  r.iso_slash = iso(planpress.date("2019/6/3"))
  r.iso_time = iso(planpress.date("2019-06-30T10:00:00+08:00"))
  r.zh_day = iso(planpress.date("2019年6月30日"))
  r.zh_hao = iso(planpress.date("2019年6月3号前"))
  r.zh_month_end = iso(planpress.date("2019年6月底"))
  r.zh_feb_end = iso(planpress.date("2020年2月底"))
  r.zh_dec_before = iso(planpress.date("2019年12月底前"))
  r.zh_year_end = iso(planpress.date("2019年底前"))
  r.zh_half = iso(planpress.date("2019年上半年"))
  r.zh_quarter = iso(planpress.date("2019年第三季度"))
  r.zh_quarter2 = iso(planpress.date("2019年二季度"))
  r.zh_fullwidth = iso(planpress.date("２０１９年６月３０日"))
  r.zh_xun = iso(planpress.date("2019年6月中旬"))
  local d, msg = planpress.date("2019-02-30")
  r.bad = iso(d) .. " / " .. msg
  d, msg = planpress.date("2019年6月")
  r.bad_month = msg
  d, msg = planpress.date("下个月")
  r.bad_words = msg
  r.fmt_zh = planpress.format_date("2019-06-30", "zh")
  r.fmt_en = planpress.format_date("2019年6月30日", "en")
  r.fmt_iso = planpress.format_date({ year = 2019, month = 6, day = 3 }, "iso")
  r.fmt_default = planpress.format_date(planpress.as_of)
  r.between = planpress.days_between("2019-01-01", "2019-12-31")
  r.between_leap = planpress.days_between("2020-02-01", "2020-03-01")
  r.between_back = planpress.days_between("2019-06-30", "2019-06-01")
  r.add_days = iso(planpress.add_days("2019-12-31", 1))
  r.add_days_leap = iso(planpress.add_days("2020-02-28", 1))
  r.add_days_back = iso(planpress.add_days("2019-03-01", -1))
  r.add_months = iso(planpress.add_months("2019-01-31", 1))
  r.add_months_leap = iso(planpress.add_months("2020-01-31", 1))
  r.add_months_back = iso(planpress.add_months("2019-03-31", -13))
  r.add_months_year = iso(planpress.add_months("2019-11-15", 3))
  r.month_end = iso(planpress.month_end("2019-04-10"))
  r.month_end_leap = iso(planpress.month_end("2000-02-01"))
  r.month_end_noleap = iso(planpress.month_end("1900-02-01"))
  r.compare = tostring(planpress.date("2019-06-30") < planpress.date("2019-07-01"))
  r.equal = tostring(planpress.date("2019年6月底") == planpress.date("2019-06-30"))
  r.concat = "due " .. planpress.date("2019-06-30")
  r.as_of = planpress.as_of
  r.language = planpress.language
  r.os_time = os.time()
  r.os_date = os.date("%Y-%m-%d %H:%M")
  r.os_date_t = os.date("!%Y-%m-%d", os.time({ year = 2019, month = 13, day = 1 }))
  r.os_clock = os.clock()
  r.escape = planpress.escape_html([[<a href="x">'&'</a>]])
  r.slug = planpress.slugify("一、总体要求 Hello, World")
  local keys = {}
  local t = { zeta = 1, alpha = 2, [10] = 3, [2] = 4, ["Beta"] = 5, [1.5] = 6 }
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  r.pairs_order = table.concat(keys, " ")
  keys = {}
  for k in planpress.sorted_pairs(t) do keys[#keys + 1] = tostring(k) end
  r.sorted_pairs_order = table.concat(keys, " ")
  local items = {}
  for i = 1, 300 do items[i] = { due = i % 3, n = i } end
  table.sort(items, function(a, b) return a.due < b.due end)
  local stable = true
  for i = 2, #items do
    if items[i - 1].due == items[i].due and items[i - 1].n > items[i].n then stable = false end
  end
  r.sort_stable = tostring(stable)
  local nums = { 5, 3, 9, 1 }
  table.sort(nums)
  r.sort_plain = table.concat(nums, ",")
  site.api = r
  site.due = planpress.date("2019年12月底前")
  print("hello", 42)
end
