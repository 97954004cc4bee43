package emptyexpr

import (
	"slices"

	"github.com/rhysd/actionlint"
)

// maxCombinations bounds the matrix expansion; larger matrices are not
// judged (and are rare).
const maxCombinations = 256

// matrixMissing reports whether key is absent from some combination of m.
// It follows the runner's include rules: an include entry extends every
// base combination whose values it does not overwrite, and becomes a
// combination of its own when it extends none. Matrices built by
// expressions are not judged.
func matrixMissing(m *actionlint.Matrix, key string) bool {
	if m.Expression != nil || m.Include == nil || m.Include.Expression != nil {
		return false
	}
	if _, ok := m.Rows[key]; ok {
		return false
	}
	combos, ok := baseCombinations(m)
	if !ok {
		return false
	}
	extended := make([]bool, len(combos))
	for _, inc := range m.Include.Combinations {
		if inc.Expression != nil {
			return false
		}
		_, has := inc.Assigns[key]
		matched := false
		for i, c := range combos {
			if compatible(inc, c) {
				matched = true
				extended[i] = extended[i] || has
			}
		}
		if !matched && !has {
			return true
		}
	}
	return slices.Contains(extended, false)
}

type combination map[string]actionlint.RawYAMLValue

func baseCombinations(m *actionlint.Matrix) ([]combination, bool) {
	keys := make([]string, 0, len(m.Rows))
	for k, r := range m.Rows {
		if r.Expression != nil {
			return nil, false
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, true
	}
	slices.Sort(keys)
	combos := []combination{{}}
	for _, k := range keys {
		vals := m.Rows[k].Values
		if len(combos)*len(vals) > maxCombinations {
			return nil, false
		}
		next := make([]combination, 0, len(combos)*len(vals))
		for _, c := range combos {
			for _, v := range vals {
				n := make(combination, len(c)+1)
				for ck, cv := range c {
					n[ck] = cv
				}
				n[k] = v
				next = append(next, n)
			}
		}
		combos = next
	}
	if m.Exclude != nil {
		if m.Exclude.Expression != nil {
			return nil, false
		}
		combos = slices.DeleteFunc(combos, func(c combination) bool {
			return slices.ContainsFunc(m.Exclude.Combinations, func(ex *actionlint.MatrixCombination) bool {
				return ex.Expression == nil && matches(ex, c)
			})
		})
	}
	return combos, true
}

// compatible: inc overwrites none of c's values.
func compatible(inc *actionlint.MatrixCombination, c combination) bool {
	for k, a := range inc.Assigns {
		if v, ok := c[k]; ok && !v.Equals(a.Value) {
			return false
		}
	}
	return true
}

// matches: every value of ex equals c's.
func matches(ex *actionlint.MatrixCombination, c combination) bool {
	for k, a := range ex.Assigns {
		if v, ok := c[k]; !ok || !v.Equals(a.Value) {
			return false
		}
	}
	return true
}
