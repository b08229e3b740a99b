-- lua/progress.lua: where every task, plan and unit (lead or supporting)
-- stands as of the site's as_of date, computed from front matter and bulletins for the
-- templates and data/*.json. planpress-progress(7) describes every field.
--
-- This is the copy installed with planpress and used when site.toml names no
-- hooks. To change a rule, copy it to your site's lua/progress.lua and edit
-- the copy: the site's own file is then used instead of this one.
--
-- Dates are ISO strings ("2019-06-30"), so comparing two with < compares the
-- days. Every list below is built from arrays in a fixed order, never from
-- the order of a hash table, so two builds give the same output.
--
-- planpress runs this file as C (generator/progress.c) while the installed
-- copy is unchanged: any change here must be mirrored there, and
-- tests/progress_c.sh checks that the two give the same output.

local P = planpress

---------------------------------------------------------------------------
-- Rules (data)
---------------------------------------------------------------------------

-- A task is at risk when its progress is more than this many percentage points
-- behind the straight line from start to due; site.toml [params] at_risk_margin
-- overrides it.
local DEFAULT_MARGIN = 15

-- Milestones due this many days after as_of or sooner are "upcoming".
local SOON, LATER = 30, 90

-- How many bulletins the home page lists.
local LATEST_BULLETINS = 5

local LABELS = {
  zh = {
    not_started = "未开始", in_progress = "进行中", done = "已完成",
    delayed = "已延期", cancelled = "已取消",
    red = "红灯", amber = "黄灯", green = "绿灯", grey = "灰灯",
    lead = "牵头", support = "配合",
  },
  en = {
    not_started = "not started", in_progress = "in progress", done = "done",
    delayed = "delayed", cancelled = "cancelled",
    red = "red", amber = "amber", green = "green", grey = "grey",
    lead = "lead", support = "support",
  },
}

local STATUSES = { "not_started", "in_progress", "done", "delayed", "cancelled" }

local MONTHS_EN = { "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December" }

---------------------------------------------------------------------------
-- Helpers
---------------------------------------------------------------------------

local lang = "zh"

local function label(word)
  return LABELS[lang][word] or word
end

-- Halves round up: 67.5 -> 68. An integer, so JSON shows 68, not 68.0.
local function round(x)
  return math.floor(x + 0.5)
end

-- A chart coordinate: one decimal, "24.5" or "80", never "80.0".
local function coord(x)
  local s = string.format("%.1f", x)
  s = s:gsub("%.0$", "")
  return s
end

local function date_text(d)
  return d and P.format_date(d) or nil
end

local function month_text(y, m)
  if lang == "en" then
    return MONTHS_EN[m] .. " " .. y
  end
  return y .. "年" .. m .. "月"
end

local function year_of(d)
  return tonumber(d:sub(1, 4))
end

local function closed(status)
  return status == "done" or status == "cancelled"
end

-- Where a straight line from start to due stands on day `at`, 0..100.
local function line_at(start, due, at)
  if at < start then return 0 end
  if at >= due then return 100 end
  return round(100 * P.days_between(start, at) / P.days_between(start, due))
end

-- The weighted mean progress of tasks, cancelled ones left out; the count
-- includes them.
local function summary(tasks)
  local sw, sp = 0, 0
  for _, t in ipairs(tasks) do
    if t.status ~= "cancelled" then
      sw = sw + t.weight
      sp = sp + t.weight * t.progress
    end
  end
  return sw > 0 and round(sp / sw) or 0, #tasks
end

local function counts(tasks)
  local c = { total = #tasks, overdue = 0, at_risk = 0 }
  for _, s in ipairs(STATUSES) do c[s] = 0 end
  for _, t in ipairs(tasks) do
    c[t.status] = (c[t.status] or 0) + 1
    if t.overdue then c.overdue = c.overdue + 1 end
    if t.at_risk then c.at_risk = c.at_risk + 1 end
  end
  return c
end

---------------------------------------------------------------------------
-- Tasks
---------------------------------------------------------------------------

-- Plays every bulletin up to as_of onto the tasks, oldest first: the state
-- after each update, the milestones it ticks off, the actuals it reports
-- and the extension (a new due) it grants. Each update learns the state
-- before and after it.
local function apply_bulletins(site, by_id, as_of)
  for _, b in ipairs(site.bulletins or {}) do
    b.date_text = date_text(b.date)
    if b.date <= as_of then
      for _, u in ipairs(b.updates or {}) do
        local t = by_id[u.task]
        if t then
          u.task_number, u.task_title, u.task_url = t.number, t.title, t.url
          u.previous_progress, u.previous_status = t.progress, t.status
          u.previous_status_text = label(t.status)
          if u.progress ~= nil then t.progress = u.progress end
          if u.status ~= nil then t.status = u.status end
          -- an update may carry only one of the two: show the whole state after it
          u.progress, u.status = t.progress, t.status
          u.status_text = label(t.status)
          -- an extension: the task is due on the new date from now on
          local ext
          if u.due ~= nil then
            ext = { due = u.due, due_text = date_text(u.due), previous_due = t.due,
              previous_due_text = date_text(t.due), reason = u.reason, date = b.date,
              date_text = b.date_text, bulletin_title = b.title, bulletin_url = b.url }
            t.due = u.due
            t.extension = ext
            t.extensions[#t.extensions + 1] = ext
            u.extended = ext
          end
          for _, what in ipairs(u.milestones_done or {}) do
            local found = false
            for _, m in ipairs(t.milestones) do
              if m.what == what then m.done, found = true, true end
            end
            if not found then
              P.warn(string.format(P.tr("task %s has no milestone '%s'"), t.id, what), u)
            end
          end
          for metric, value in pairs(u.actuals or {}) do
            local found = false
            for _, g in ipairs(t.targets) do
              if g.metric == metric then g.actual, found = value, true end
            end
            if not found then
              P.warn(string.format(P.tr("task %s has no target '%s'"), t.id, metric), u)
            end
          end
          local h = t.history
          h[#h + 1] = { date = b.date, date_text = b.date_text, progress = t.progress,
            status = t.status, status_text = label(t.status), note = u.note,
            extended = ext, bulletin_title = b.title, bulletin_url = b.url }
          local tb = t.bulletins
          if #tb == 0 or tb[#tb].url ~= b.url then
            tb[#tb + 1] = { date = b.date, date_text = b.date_text, title = b.title, url = b.url }
          end
        end
      end
    end
  end
end

-- Ticks for the chart's time axis: each 1 January between first and last, or
-- the first day of each quarter when that gives fewer than two.
local function ticks(first, last, span)
  local out = {}
  local y0, y1 = year_of(first), year_of(last)
  for y = y0, y1 do
    local d = string.format("%04d-01-01", y)
    if d >= first and d <= last then
      out[#out + 1] = { x = tonumber(coord(100 * P.days_between(first, d) / span)),
        label = lang == "en" and tostring(y) or y .. "年" }
    end
  end
  if #out >= 2 then return out end
  out = {}
  for y = y0, y1 do
    for m = 1, 10, 3 do
      local d = string.format("%04d-%02d-01", y, m)
      if d >= first and d <= last then
        out[#out + 1] = { x = tonumber(coord(100 * P.days_between(first, d) / span)),
          label = month_text(y, m) }
      end
    end
  end
  return out
end

-- The history as an SVG polyline in a 100 x 100 box: time from the first
-- point to the later of as_of and due across, progress upwards.
local function chart(t, as_of)
  local h = t.history
  local first = h[1].date
  local last = as_of
  if t.due and t.due > last then last = t.due end
  local span = P.days_between(first, last)
  if span < 1 then span = 1 end
  local pts, x, y = {}, nil, nil
  for _, p in ipairs(h) do
    x = coord(100 * P.days_between(first, p.date) / span)
    y = coord(100 - p.progress)
    pts[#pts + 1] = x .. "," .. y
  end
  return { points = table.concat(pts, " "), last_x = tonumber(x), last_y = tonumber(y),
    ticks = ticks(first, last, span) }
end

local function finish_task(t, plan, as_of, margin)
  t.status_text = label(t.status)
  t.start_text = date_text(t.start)
  t.due_text = date_text(t.due)
  t.due_original_text = date_text(t.due_original)
  if t.start and t.due then
    t.expected = line_at(t.start, t.due, as_of)
  end
  if t.due then
    t.days_left = P.days_between(as_of, t.due)
  end
  t.overdue = t.due ~= nil and t.due < as_of and not closed(t.status)
  t.at_risk = not closed(t.status) and not t.overdue and t.expected ~= nil
    and t.progress < t.expected - margin
  if t.status == "cancelled" then
    t.rag = "grey"
  elseif t.overdue or t.status == "delayed" then
    t.rag = "red"
  elseif t.at_risk then
    t.rag = "amber"
  else
    t.rag = "green"
  end
  t.rag_text = label(t.rag)
  for _, m in ipairs(t.milestones) do
    m.due_text = date_text(m.due)
    -- a done or cancelled task owes no milestones
    m.missed = m.due < as_of and not m.done and not closed(t.status)
  end
  for _, g in ipairs(t.targets) do
    if g.actual ~= nil and g.target ~= 0 then
      g.attainment = g.actual / g.target
      g.attainment_pct = round(100 * g.attainment)
      g.bar = math.max(0, math.min(100, g.attainment_pct))
    else
      g.bar = 0
    end
  end
  t.chart = chart(t, as_of)
  t.plan_title, t.plan_url = plan.title, plan.url
  -- Lists of many plans' tasks name the plan briefly.
  t.plan_short = plan.short_title or plan.doc_no or plan.title
end

-- What lists of tasks show: one table per task, shared by every list.
local function task_ref(t)
  return { id = t.id, plan = t.plan, plan_title = t.plan_title, plan_short = t.plan_short, number = t.number,
    title = t.title, url = t.url, lead = t.lead, due = t.due, due_text = t.due_text,
    extended = t.extension ~= nil, progress = t.progress, status = t.status, status_text = t.status_text, rag = t.rag }
end

---------------------------------------------------------------------------
-- Plans
---------------------------------------------------------------------------

local function by_section(plan)
  local order, groups = {}, {}
  for _, s in ipairs(plan.sections or {}) do
    order[#order + 1] = s.number
    groups[s.number] = { number = s.number, title = s.title, tasks = {} }
  end
  for _, t in ipairs(plan.tasks) do
    if t.section then
      if not groups[t.section] then   -- a plan that lists no sections
        order[#order + 1] = t.section
        groups[t.section] = { number = t.section, title = "", tasks = {} }
      end
      local g = groups[t.section].tasks
      g[#g + 1] = t
    end
  end
  local out = {}
  for _, n in ipairs(order) do
    local g = groups[n]
    if #g.tasks > 0 then
      local p, c = summary(g.tasks)
      out[#out + 1] = { number = g.number, title = g.title, progress = p, count = c }
    end
  end
  return out
end

-- Units of tasks, lead or supporting, sorted by name bytewise: {name, lead,
-- support}, each role's tasks in task order.
local function group_units(tasks)
  local names, groups = {}, {}
  local function add(u, role, t)
    local g = groups[u]
    if not g then
      names[#names + 1] = u
      g = { name = u, lead = {}, support = {} }
      groups[u] = g
    end
    local l = g[role]
    l[#l + 1] = t
  end
  for _, t in ipairs(tasks) do
    for _, u in ipairs(t.lead or {}) do add(u, "lead", t) end
    for _, u in ipairs(t.support or {}) do add(u, "support", t) end
  end
  table.sort(names)
  local out = {}
  for _, n in ipairs(names) do out[#out + 1] = groups[n] end
  return out
end

local function ids(tasks)
  local out = {}
  for _, t in ipairs(tasks) do out[#out + 1] = t.id end
  return out
end

local function by_theme(plan)
  local themes = plan.yearly_themes or {}
  local years, groups = {}, {}
  for _, t in ipairs(plan.tasks) do
    if t.due then
      local y = year_of(t.due)
      if themes[tostring(y)] then
        if not groups[y] then
          years[#years + 1] = y
          groups[y] = {}
        end
        local g = groups[y]
        g[#g + 1] = t
      end
    end
  end
  table.sort(years)
  local out = {}
  for _, y in ipairs(years) do
    local p, c = summary(groups[y])
    out[#out + 1] = { year = y, theme = themes[tostring(y)], progress = p, count = c }
  end
  return out
end

local function milestone_lists(plan, refs, as_of)
  local soon, later, missed = {}, {}, {}
  for _, t in ipairs(plan.tasks) do
    if not closed(t.status) then
      for _, m in ipairs(t.milestones) do
        if not m.done then
          local days = P.days_between(as_of, m.due)
          local item = { what = m.what, due = m.due, due_text = m.due_text, days = days,
            task = refs[t] }
          if days < 0 then
            missed[#missed + 1] = item
          else
            if days <= SOON then soon[#soon + 1] = item end
            if days <= LATER then later[#later + 1] = item end
          end
        end
      end
    end
  end
  local function by_due(a, b) return a.due < b.due end
  table.sort(soon, by_due)   -- stable: the same day keeps task order
  table.sort(later, by_due)
  table.sort(missed, by_due)
  plan.upcoming_30, plan.upcoming_90, plan.missed_milestones = soon, later, missed
end

local function timeline(plan)
  local items = {}
  for _, t in ipairs(plan.tasks) do
    if t.status ~= "cancelled" then
      for _, m in ipairs(t.milestones) do
        items[#items + 1] = { kind = "milestone", title = m.what, due = m.due,
          due_text = m.due_text, done = m.done, url = t.url }
      end
      if t.due then
        items[#items + 1] = { kind = "task", title = t.title, due = t.due,
          due_text = t.due_text, done = t.status == "done", url = t.url }
      end
    end
  end
  table.sort(items, function(a, b) return a.due < b.due end)
  local out, cur = {}, nil
  for _, it in ipairs(items) do
    local month = it.due:sub(1, 7)
    if not cur or cur.month ~= month then
      cur = { month = month, month_text = month_text(year_of(month), tonumber(month:sub(6, 7))),
        items = {} }
      out[#out + 1] = cur
    end
    cur.items[#cur.items + 1] = it
  end
  return out
end

-- A unit's open tasks, led or supported, due within SOON days of as_of,
-- by due date (the same day: led first, then task order).
local function due_soon(g, refs)
  local out = {}
  for _, role in ipairs({ "lead", "support" }) do
    for _, t in ipairs(g[role]) do
      if t.due and not closed(t.status) and t.days_left >= 0 and t.days_left <= SOON then
        out[#out + 1] = { task = refs[t], role = role, role_text = label(role), due = t.due,
          due_text = t.due_text, days = t.days_left }
      end
    end
  end
  table.sort(out, function(a, b) return a.due < b.due end)   -- stable
  return out
end

local function unit_url(slug, index_links)
  return "units/" .. slug .. (index_links and "/index.html" or "/")
end

local function finish_plan(plan, refs, slugs, index_links, as_of, margin)
  local tasks = plan.tasks
  plan.progress = summary(tasks)
  plan.counts = counts(tasks)
  plan.date_text = date_text(plan.date)
  local per = plan.period
  if per then
    plan.period_text = per[1] == per[2] and (lang == "en" and tostring(per[1]) or per[1] .. "年")
      or (lang == "en" and per[1] .. "–" .. per[2] or per[1] .. "—" .. per[2] .. "年")
    plan.expected = line_at(string.format("%04d-01-01", per[1]),
      string.format("%04d-12-31", per[2]), as_of)
  end
  local red, amber = false, false
  for _, t in ipairs(tasks) do
    red = red or t.rag == "red"
    amber = amber or t.rag == "amber"
  end
  if red or (plan.expected and plan.progress < plan.expected - margin) then
    plan.rag = "red"
  elseif amber then
    plan.rag = "amber"
  else
    plan.rag = "green"
  end
  plan.rag_text = label(plan.rag)
  plan.by_section = by_section(plan)
  plan.by_unit = {}
  for _, g in ipairs(group_units(tasks)) do
    local p, c = summary(g.lead)
    local sp, sc = summary(g.support)
    plan.by_unit[#plan.by_unit + 1] = { unit = g.name, slug = slugs[g.name],
      url = unit_url(slugs[g.name], index_links), progress = p, count = c, leads = c > 0,
      lead_tasks = ids(g.lead), support_progress = sp, support_count = sc, supports = sc > 0,
      support_tasks = ids(g.support) }
  end
  plan.by_theme = by_theme(plan)
  plan.overdue, plan.at_risk = {}, {}
  for _, t in ipairs(tasks) do
    if t.overdue then plan.overdue[#plan.overdue + 1] = refs[t] end
    if t.at_risk then plan.at_risk[#plan.at_risk + 1] = refs[t] end
  end
  milestone_lists(plan, refs, as_of)
  plan.timeline = timeline(plan)
end

---------------------------------------------------------------------------
-- The hook
---------------------------------------------------------------------------

local function margin_of(site)
  local m = site.params and site.params.at_risk_margin
  if m == nil then return DEFAULT_MARGIN end
  if type(m) ~= "number" or m < 0 or m > 100 then
    P.warn(string.format(P.tr("params.at_risk_margin must be a number of percentage points 0..100; using %d"),
      DEFAULT_MARGIN))
    return DEFAULT_MARGIN
  end
  return m
end

-- Slugs for unit names, sorted by name; a name whose slug another already
-- has gets -2, -3 …
local function unit_slugs(names)
  local slugs, used = {}, {}
  for _, n in ipairs(names) do
    local base = P.slugify(n)
    if base == "" then base = "unit" end
    local s, k = base, 1
    while used[s] do
      k = k + 1
      s = base .. "-" .. k
    end
    used[s] = true
    slugs[n] = s
  end
  return slugs
end

function on_site(site)
  lang = (site.language or P.language or ""):sub(1, 2) == "en" and "en" or "zh"
  local as_of = site.as_of or P.as_of
  local margin = margin_of(site)
  local plans = site.plans or {}
  local bulletins = site.bulletins or {}

  local first_bulletin
  for _, b in ipairs(bulletins) do
    if b.date <= as_of then first_bulletin = b.date break end
  end

  -- Front matter first: the initial state and history's first point.
  local by_id, all = {}, {}
  for _, plan in ipairs(plans) do
    for _, t in ipairs(plan.tasks or {}) do
      by_id[t.id] = t
      all[#all + 1] = t
      t.initial = { progress = t.progress, status = t.status }
      t.due_original = t.due
      t.extensions = {}
      t.history = {}
      t.bulletins = {}
      t.milestones = t.milestones or {}
      t.targets = t.targets or {}
      t.weight = t.weight or 1
    end
  end
  apply_bulletins(site, by_id, as_of)

  local index_links = true
  if plans[1] and plans[1].url then
    index_links = plans[1].url:sub(-10) == "index.html"
  end
  local names = {}
  for _, g in ipairs(group_units(all)) do names[#names + 1] = g.name end
  local slugs = unit_slugs(names)

  local refs = {}
  for _, plan in ipairs(plans) do
    plan.tasks = plan.tasks or {}
    for _, t in ipairs(plan.tasks) do
      -- the first point: the task's start, else the plan's date, else the first news
      local d = t.start or plan.date or first_bulletin or as_of
      if t.history[1] and t.history[1].date < d then d = t.history[1].date end
      table.insert(t.history, 1, { date = d, date_text = date_text(d),
        progress = t.initial.progress, status = t.initial.status,
        status_text = label(t.initial.status) })
      finish_task(t, plan, as_of, margin)
      refs[t] = task_ref(t)
    end
    finish_plan(plan, refs, slugs, index_links, as_of, margin)
  end

  site.units = {}
  for _, g in ipairs(group_units(all)) do
    local lead, support = {}, {}
    for _, t in ipairs(g.lead) do lead[#lead + 1] = refs[t] end
    for _, t in ipairs(g.support) do support[#support + 1] = refs[t] end
    site.units[#site.units + 1] = { name = g.name, slug = slugs[g.name],
      url = unit_url(slugs[g.name], index_links), tasks = lead,
      progress = (summary(g.lead)), counts = counts(g.lead), leads = #lead > 0,
      support_tasks = support, support_progress = (summary(g.support)),
      support_counts = counts(g.support), supports = #support > 0,
      due_soon = due_soon(g, refs) }
  end
  site.overdue = {}
  for _, t in ipairs(all) do
    if t.overdue then site.overdue[#site.overdue + 1] = refs[t] end
  end
  site.latest_bulletins = {}
  for i = #bulletins, 1, -1 do
    local b = bulletins[i]
    if b.date <= as_of and #site.latest_bulletins < LATEST_BULLETINS then
      site.latest_bulletins[#site.latest_bulletins + 1] = { date = b.date,
        date_text = b.date_text, title = b.title, url = b.url, unit = b.unit }
    end
  end
end
