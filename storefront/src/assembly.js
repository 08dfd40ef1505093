// An assembly's record as AssemblyFields edits it (text, as typed) and as the service takes it.

/** An empty record: a villagers' assembly, nothing counted yet. */
export const emptyAssembly = () => ({ date: '', body: 'villagers', members: '', attendance: '', votesFor: '', votesAgainst: '', votesAbstain: '' })

/** The request body of an adoption. */
export function assemblyRequest(a) {
  return {
    date: a.date, body: /** @type {'villagers' | 'representatives'} */ (a.body), members: Number(a.members), attendance: Number(a.attendance),
    votes_for: Number(a.votesFor), votes_against: Number(a.votesAgainst), votes_abstain: Number(a.votesAbstain),
  }
}
