-- A site's own check, warning at a milestone's line (shown with the line and a caret).
function on_site(site)
  for _, plan in ipairs(site.plans) do
    for _, task in ipairs(plan.tasks) do
      for _, m in ipairs(task.milestones) do
        if m.what == "完成验收" then
          planpress.warn("milestone '" .. m.what .. "' needs a named checker", m, "what")
        end
      end
    end
  end
end
