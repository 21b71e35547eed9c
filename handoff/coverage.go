package handoff

// Available reports whether op can take conversations now, capacity aside:
// enabled, in a role that handles tickets, online and connected.
func (o Operator) Available() bool {
	return !o.Disabled && o.Role.Can(ActionHandleTickets) && o.Status == Online && !o.Disconnected
}

// Coverage returns, for each of skills, how many operators are available
// (Operator.Available) and serve it (Operator.HasSkill; everyone serves
// SkillGeneral). A skill with 0 is uncovered: its tickets wait until someone
// who serves it comes online, or until they widen (Widening).
func Coverage(skills []string, ops []Operator) map[string]int {
	out := make(map[string]int, len(skills))
	for _, skill := range skills {
		out[skill] = 0
		for _, op := range ops {
			if op.Available() && op.HasSkill(skill) {
				out[skill]++
			}
		}
	}
	return out
}

// Uncovered returns the skills, in the order given, that no available
// operator serves.
func Uncovered(skills []string, ops []Operator) []string {
	cov := Coverage(skills, ops)
	var out []string
	for _, skill := range skills {
		if cov[skill] == 0 {
			out = append(out, skill)
		}
	}
	return out
}
