-- Argo CD health of a bastio.io ApiKey, read from the status the operator writes.
local hs = { status = "Progressing", message = "Waiting for the operator" }
local status = obj.status
if status == nil then
  return hs
end
if status.observedGeneration ~= nil and obj.metadata.generation ~= nil
    and status.observedGeneration < obj.metadata.generation then
  hs.message = "Waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end
local ready = nil
if status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Ready" then
      ready = condition
    end
  end
end
local detail = ""
if ready ~= nil and ready.message ~= nil and ready.message ~= "" then
  detail = ": " .. ready.message
end
local phase = status.phase
if phase == "Active" then
  if ready ~= nil and ready.status == "False" then
    hs.status = "Degraded"
    hs.message = "Active but not Ready" .. detail
  else
    hs.status = "Healthy"
    hs.message = "Active, key id " .. (status.keyId or "unknown")
  end
elseif phase == "Disabled" then
  -- spec.disabled is a deliberate, reversible pause.
  hs.status = "Suspended"
  hs.message = "Disabled"
elseif phase == "Expired" or phase == "Revoked" or phase == "Invalid" then
  hs.status = "Degraded"
  hs.message = phase .. detail
elseif phase == "Pending" or phase == nil then
  hs.message = "Pending" .. detail
else
  hs.status = "Unknown"
  hs.message = "Unknown phase " .. phase
end
return hs
