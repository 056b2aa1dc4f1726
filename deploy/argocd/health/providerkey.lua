-- Argo CD health of a bastio.io ProviderKey, read from the status the operator writes.
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
local validated = nil
if status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Validated" then
      validated = condition
    end
  end
end
local phase = status.phase
if phase == "Invalid" or (validated ~= nil and validated.status == "False") then
  -- The provider refuses the credential: traffic through it would fail.
  hs.status = "Degraded"
  hs.message = "Provider refuses the key"
  if validated ~= nil and validated.reason ~= nil then
    hs.message = hs.message .. " (" .. validated.reason .. ")"
  end
elseif phase == "Active" then
  hs.status = "Healthy"
  hs.message = "Active"
  if validated ~= nil and validated.status == "Unknown" then
    hs.message = "Active; provider unreachable at the last validation"
  end
elseif phase == "Migrating" then
  hs.message = "Migrating traffic from the key it replaces"
elseif phase == "Retired" then
  -- A replaced key that finished handing over its traffic: the expected end state.
  hs.status = "Healthy"
  hs.message = "Retired"
elseif phase == "Disabled" then
  hs.status = "Suspended"
  hs.message = "Disabled"
elseif phase ~= nil then
  hs.status = "Unknown"
  hs.message = "Unknown phase " .. phase
end
return hs
