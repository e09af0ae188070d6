// Package valueflows exports a commons' economic records in forms other
// tools read: a JSON-LD document in the ValueFlows vocabulary
// (https://w3id.org/valueflows/ont/vf#, release 1.0) for accounting and
// REA software, and a plain share file (tab-separated, with a comment
// header) for people and spreadsheets. It is pure: it reads the records
// the rules packages hold and writes bytes, with no I/O of its own.
//
// # Mapping
//
// Every @id is an IRI under the node's base URL B; where the node has a page
// for the thing the IRI points into it (an agent, a commons, a contribution,
// an event).
//
//	meent record                       ValueFlows                          @id
//	agent (person)                     vf:Person                           B/agents/<id>
//	agent (cooperative, company, ...)  vf:Organization, classifiedAs kind  B/agents/<id>
//	agent unknown to the input         vf:Agent                            B/agents/<id>
//	unclaimed identity (git author)    vf:Agent                            B/identities/<escaped identity>
//	commons                            vf:EconomicResource                 B/commons/<id>
//	  the community holding it         vf:Organization ("commons"), the    B/commons/<id>#agent
//	                                   resource's primaryAccountable,
//	                                   receiver of income, provider of
//	                                   claims and payouts
//	  a pool (infrastructure, ...)     vf:Organization ("pool")            B/commons/<id>#pool:<name>
//	  pool upstream:<C>                the community of commons C          B/commons/<C>#agent
//	fork of an upstream commons U      vf:Process with a cite of U         B/commons/<id>#fork
//	                                   (input) and a produce of the fork
//	                                   (output)
//	accepted contribution              vf:Process (name = title)           B/contributions/<id>
//	  with minutes                     vf:EconomicEvent work, input,       .../<id>#work
//	                                   effortQuantity in om2:minute-Time
//	  code, design, documentation,     vf:EconomicEvent produce, output,   .../<id>#produce
//	  translation                      resourceInventoriedAs the commons
//	  funds with an amount             vf:EconomicEvent transfer to the    .../<id>#transfer
//	                                   commons' community
//	  equipment_use                    vf:EconomicEvent use, input (its    .../<id>#use
//	                                   value in the note)
//	  anything else (review, ...)      vf:EconomicEvent work, input,       .../<id>#work
//	                                   without a quantity
//	  accepted upstream, recognised    vf:EconomicEvent cite of the        .../<id>#cited-by-<fork>
//	  by this fork                     upstream commons, input of the fork
//	income                             vf:EconomicEvent transfer, payer    B/events/<income id>
//	                                   to the commons' community
//	allocation of a distribution       vf:Claim transfer, commons to the   B/events/<distribution id>#<kind>:<recipient>
//	(amount > 0)                       recipient, triggeredBy the income,
//	                                   note with the digest
//	settlement of a balance            vf:EconomicEvent transfer, commons  B/api/v1/events/index/<log index>
//	                                   to the recipient, settles the
//	                                   claims made before it
//	currency (ISO 4217 code)           vf:ResourceSpecification,           B/currencies/<code>
//	                                   mediumOfExchange
//
// Why claims: a distribution does not move money, it records what the
// commons owes; the money moves when a payout is settled. Writing both as
// transfers would count every payment twice. ValueFlows models exactly this
// ("logged work triggers a claim for future income distribution", settled
// by later transfers), so allocations are vf:Claim and settlements are the
// transfers, linked by vf:settles.
//
// Money follows the ValueFlows advice for currencies: resourceConformsTo
// names the currency and resourceQuantity is a vf:Measure of unit om2:one
// whose vf:hasNumericalValue is an exact xsd:decimal string computed from
// the integer minor units (1234 EUR is "12.34", 1234 JPY is "1234"; see
// Exponent). Actions are written as compact IRIs ("vf:work"), times as
// xsd:dateTimeStamp in UTC, and produce and cite events carry no quantity
// (a digital commons is not counted in units).
//
// Determinism: nodes are sorted by @id and members by name, and the output
// does not depend on the order of the input, so golden tests pin the bytes.
//
// Evolution: IRIs are stable once published; a new kind of record gets new
// IRIs rather than reusing old ones.
package valueflows
