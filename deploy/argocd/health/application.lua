-- Argo CD health of an Application, as the Argo CD documentation gives it for app-of-apps: without
-- it, a parent Application does not wait for a child's sync wave to become healthy.
local hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
