package credit_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// The benchmarks apply events through state.State.Apply, the rules'
// part of ingest and of meent verify's replay; signatures are not
// checked here (BenchmarkEd25519Verify, here and in node, is the
// reference: docs/benchmarks.md states the figures as ratios to it).

// people is a state with n member agents (keys from fixed seeds) and the
// MEE currency, built from events made directly (no signing: the rules do
// not read the signature, ledger.Decode checked it before).
type people struct {
	st   *state.State
	ids  []string
	keys []ed25519.PublicKey
	seq  uint64
}

func (p *people) apply(b *testing.B, typ, author string, key ed25519.PublicKey, data any) *ledger.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		b.Fatal(err)
	}
	p.seq++
	ev := &ledger.Event{V: 1, Type: typ, Author: author, Key: key, Time: 4_102_444_800_000, Data: raw}
	binary.BigEndian.PutUint64(ev.Hash[:], p.seq)
	if err := p.st.Apply(ev); err != nil {
		b.Fatalf("%s: %v", typ, err)
	}
	return ev
}

func newPeople(b *testing.B, n int, dm *credit.Demurrage) *people {
	p := &people{st: state.New()}
	for i := 0; i <= n; i++ {
		seed := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
		k := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
		ev := p.apply(b, agent.TypeCreate, "", k, agent.CreateData{Kind: agent.Person, Name: "member"})
		p.ids, p.keys = append(p.ids, ev.Hash.String()), append(p.keys, k)
	}
	admin, akey := p.ids[0], p.keys[0]
	p.apply(b, agent.TypeMemberSet, admin, akey, agent.MemberData{Agent: admin, Role: agent.RoleAdmin})
	for _, id := range p.ids[1:] {
		p.apply(b, agent.TypeMemberSet, admin, akey, agent.MemberData{Agent: id, Role: agent.RoleMember})
	}
	if dm != nil {
		dm.Dust = admin
	}
	p.apply(b, credit.TypeCurrencyCreate, admin, akey, credit.CurrencyData{Code: "MEE", Name: "Meent credit", Exponent: 2,
		Limits: credit.Limits{Default: 10_000, Soft: 5_000, GrowthPerMille: 100, GrowthCap: 30_000}, Demurrage: dm})
	return p
}

// BenchmarkReplayTransfers replays 1,000,000 credit transfers among 1,000
// members (a ring: each pays the next, so every limit holds) into the
// rules' state, as meent verify and a start without a snapshot do.
// Reported: transfers per second.
func BenchmarkReplayTransfers(b *testing.B) {
	const members, transfers = 1_000, 1_000_000
	// The transfers as events, made once: a ring of 1,000 distinct ones.
	ring := make([]ledger.Event, members)
	for i := range b.N {
		b.StopTimer()
		p := newPeople(b, members, nil)
		if i == 0 {
			for j := range ring {
				from, to := 1+j, 1+(j+1)%members
				raw, _ := json.Marshal(credit.TransferData{Currency: "MEE", From: p.ids[from], To: p.ids[to], Amount: 100, Reference: "bread"})
				ring[j] = ledger.Event{V: 1, Type: credit.TypeTransfer, Author: p.ids[from], Key: p.keys[from], Time: 4_102_444_800_000, Data: raw}
			}
		}
		b.StartTimer()
		for t := range transfers {
			ev := &ring[t%members]
			if err := p.st.Apply(ev); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if p.st.Credit.Currency("MEE").Transfers != transfers {
			b.Fatal("transfers lost")
		}
		p.st.DropDirty()
		b.StartTimer()
	}
	b.ReportMetric(float64(transfers)*float64(b.N)/b.Elapsed().Seconds(), "transfers/s")
}

// BenchmarkDemurrage100k applies one month's demurrage to 100,000
// accounts, 50,000 at +60.00 and 50,000 at -60.00: "rules" is the event's
// Apply alone, "objects" adds taking the 100,000 changed account objects
// for the projection (TakeDirty encodes each as JSON), which the
// sequencer does in the same batch.
func BenchmarkDemurrage100k(b *testing.B) {
	const members = 100_000
	p := newPeople(b, members, &credit.Demurrage{RatePPM: 20_000, Grace: 100, From: "2025-12"})
	for i := 1; i+1 <= members; i += 2 {
		p.apply(b, credit.TypeTransfer, p.ids[i], p.keys[i], credit.TransferData{Currency: "MEE", From: p.ids[i], To: p.ids[i+1], Amount: 6_000, Reference: "tools"})
	}
	p.st.TakeDirty()
	admin, akey := p.ids[0], p.keys[0]
	period := "2025-12"
	for _, objects := range []bool{false, true} {
		name := "rules"
		if objects {
			name = "objects"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				p.apply(b, credit.TypeDemurrage, admin, akey, credit.DemurrageData{Currency: "MEE", Period: period, RatePPM: 20_000, Grace: 100})
				if objects {
					if n := len(p.st.TakeDirty()); n < members {
						b.Fatalf("%d objects changed", n)
					}
				} else {
					b.StopTimer()
					p.st.DropDirty()
					b.StartTimer()
				}
				period = credit.NextPeriod(period)
			}
			b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "accounts/s")
		})
	}
}

// BenchmarkEd25519Verify is the reference of the figures above.
func BenchmarkEd25519Verify(b *testing.B) {
	seed := sha256.Sum256([]byte("reference"))
	k := ed25519.NewKeyFromSeed(seed[:])
	msg := make([]byte, 300)
	sig := ed25519.Sign(k, msg)
	pub := k.Public().(ed25519.PublicKey)
	for range b.N {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("verify")
		}
	}
}
