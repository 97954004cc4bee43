package deletescope

import "github.com/releasegate/releasegate/rule"

// Rule documents delete-scope.
var Rule = rule.Rule{
	ID:       "delete-scope",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "a registry DELETE that does not use a delete-scoped secret, or uses one without the scope",
	Why: "Registry tokens are often split so that only one, rarely used token can delete. A clean-up " +
		"step or a runbook snippet that deletes with the everyday read/write token is answered with " +
		"401, and it fails exactly when someone is mid-way through recovering a half-published " +
		"release. The credential is usually assigned far from the request (a login call turns the " +
		"secret into a session token), so releasegate follows it through the script.",
	Bad: `REG_PASS="<paste REGISTRY_TOKEN_RW here>"
JWT=$(curl -s -X POST https://hub.docker.com/v2/users/login \
  -d "$(jq -n --arg u acme --arg p "$REG_PASS" '{username:$u,password:$p}')" | jq -r .token)
curl -X DELETE -H "Authorization: JWT $JWT" \
  https://hub.docker.com/v2/repositories/acme/app/tags/1.2.3-arm64/`,
	Good: `REG_PASS="<paste REGISTRY_TOKEN_DELETE here>"
JWT=$(curl -s -X POST https://hub.docker.com/v2/users/login \
  -d "$(jq -n --arg u acme --arg p "$REG_PASS" '{username:$u,password:$p}')" | jq -r .token)
curl -X DELETE -H "Authorization: JWT $JWT" \
  https://hub.docker.com/v2/repositories/acme/app/tags/1.2.3-arm64/`,
	Fix: "Use the secret declared with the delete scope for the request (and for the login that " +
		"produces its session token). Family hosts are configured under `families.<PREFIX>.hosts`; " +
		"listing one Docker Hub host covers docker.io and its registry endpoints too.",
	SecuritySeverity: "7.5", // high: a delete that can only fail halfway through a recovery
}
