package secretscope

import "github.com/releasegate/releasegate/rule"

// ScopeRule documents secret-scope.
var ScopeRule = rule.Rule{
	ID:       "secret-scope",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "a declared secret referenced in a workflow or job it is not allowed in",
	Why: "Splitting a registry token by scope only limits damage if each token stays in its lane. " +
		"A delete-capable token that leaks into the push workflow turns any compromise of that " +
		"workflow (a poisoned action, an injected script) into the power to wipe published tags.",
	Bad: `# .releasegate.yaml: REGISTRY_TOKEN_DELETE allowed only in cleanup.yml
# .github/workflows/release.yml
      - run: docker login -u acme --password-stdin <<< "$T"
        env:
          T: ${{ secrets.REGISTRY_TOKEN_DELETE }}`,
	Good: `      - run: docker login -u acme --password-stdin <<< "$T"
        env:
          T: ${{ secrets.REGISTRY_TOKEN_RW }}`,
	Fix: "Use the secret whose scopes match the job, or, if the job really needs the secret, add the " +
		"workflow (or `file.yml#job`) to the secret's `allowed` list in .releasegate.yaml.",
	SecuritySeverity: "8.0", // high on code scanning's scale: a token reaches code that should not hold it
}

// RequiredRule documents secret-required.
var RequiredRule = rule.Rule{
	ID:       "secret-required",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "a required workflow or job no longer references its secret",
	Why: "Absence rules (\"the delete token never appears in release.yml\") pass trivially when " +
		"release.yml is renamed or its login step is deleted. Declaring where each secret must be " +
		"used keeps the check honest: the expected consumer has to exist and still use it.",
	Bad: `secrets:
  REGISTRY_TOKEN_RW:
    scopes: [read, write]
    required: [release.yml]     # but the workflow is now publish.yml`,
	Good: `secrets:
  REGISTRY_TOKEN_RW:
    scopes: [read, write]
    required: [publish.yml]`,
	Fix:              "Point `required` at the workflow (or `file.yml#job`) that now consumes the secret, or restore the reference.",
	SecuritySeverity: "5.0", // medium: a lost reference
}

// VariantRule documents secret-variant.
var VariantRule = rule.Rule{
	ID:       "secret-variant",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "a secret, vars or env name in a declared family that is not a declared secret",
	Why: "After a token is split into scoped variants, the old unsuffixed name tends to linger in a " +
		"workflow or environment, still holding a revoked or over-privileged credential. A family " +
		"prefix says: under this name only the declared variants exist.",
	Bad: `env:
  REGISTRY_TOKEN: ${{ secrets.REGISTRY_TOKEN }}   # legacy, unsuffixed`,
	Good: `env:
  REGISTRY_TOKEN_RW: ${{ secrets.REGISTRY_TOKEN_RW }}`,
	Fix: "Rename the reference to the declared variant with the right scope, and delete the legacy secret from the repository settings.",
	AutoFix: "renames a `secrets.` reference to the declared variant of its family when exactly one is allowed in that " +
		"workflow or job; with several, which scope the job needs is a choice, and env and vars names are read by " +
		"that name elsewhere, so those get no fix.",
	SecuritySeverity: "6.5", // medium: a name that escapes the declared scopes
}

// BulkRule documents secret-bulk.
var BulkRule = rule.Rule{
	ID:       "secret-bulk",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "secrets: inherit, toJSON(secrets) or secrets[expr] handing scoped secrets beyond their scope",
	Why: "Bulk access to the secrets context bypasses every per-secret allow list: a reusable " +
		"workflow called with `secrets: inherit` receives the delete token too, and toJSON(secrets) " +
		"writes all of them into one string.",
	Bad: `jobs:
  publish:
    uses: ./.github/workflows/push.yml
    secrets: inherit`,
	Good: `jobs:
  publish:
    uses: ./.github/workflows/push.yml
    secrets:
      registry-token: ${{ secrets.REGISTRY_TOKEN_RW }}`,
	Fix:              "Pass the secrets the callee needs by name, and read secrets with literal names.",
	SecuritySeverity: "8.0", // high: every secret reaches the job, the wrong ones too
}
