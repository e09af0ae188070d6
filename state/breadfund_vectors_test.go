package state_test

import (
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/breadfund"
)

// breadfundVectors is the bread fund's part of the scenario, in commons
// lib, whose maintainers maya and ben are the fund's board. It moves the
// clock to the dates the fund's windows need.
func breadfundVectors(g *gen, lib string) {
	at := func(date string) {
		t, _ := time.Parse(time.DateOnly, date)
		if ms := t.UnixMilli(); ms > g.tm {
			g.tm = ms
		}
	}
	p := breadfund.Policy{Currency: "EUR", MinMembers: 3, MaxMembers: 5,
		Levels:      []breadfund.Level{{Gift: 100000, Deposit: 4500}, {Gift: 150000, Deposit: 6750}},
		WaitingDays: 30, MaxMonths: 2, RelapseDays: 30, Percentages: []int{50, 100}, BufferMonths: 1,
		ChangeMonths: []int{1, 7}, ExitMonths: []int{1, 7}, ObjectionDays: 14, CostsPerMember: 1000, Approvals: 2}
	at("2026-01-20")
	g.bad("a bread fund policy by someone not on the board", "ada", breadfund.TypePolicySet, breadfund.PolicySetData{Commons: lib, Policy: p.Marshal()}, meent.EFORBIDDEN)
	g.ok("maya founds the bread fund", "maya", breadfund.TypePolicySet, breadfund.PolicySetData{Commons: lib, Policy: p.Marshal()})
	for _, who := range []string{"maya", "ben", "ada"} {
		level := 1
		if who == "ben" {
			level = 2
		}
		g.ok(who+" joins the bread fund", who, breadfund.TypeJoin, breadfund.JoinData{Commons: lib, Level: level})
		g.ok("maya admits "+who+" to the bread fund", "maya", breadfund.TypeAdmit, breadfund.CandidateData{Commons: lib, Candidate: g.ids[who]})
	}
	g.ok("works joins, introduced by ada", "works", breadfund.TypeJoin, breadfund.JoinData{Commons: lib, Level: 1, Introducer: g.ids["ada"]})
	g.bad("works is admitted before the objection window closes", "maya", breadfund.TypeAdmit, breadfund.CandidateData{Commons: lib, Candidate: g.ids["works"]}, meent.ERULE)
	g.ok("acme joins, introduced by ada", "acme", breadfund.TypeJoin, breadfund.JoinData{Commons: lib, Level: 1, Introducer: g.ids["ada"]})
	g.ok("ben objects to acme", "ben", breadfund.TypeObject, breadfund.CandidateData{Commons: lib, Candidate: g.ids["acme"]})
	g.ok("ben moves to level 1 in January", "ben", breadfund.TypeLevel, breadfund.LevelData{Commons: lib, Level: 1})
	g.bad("a deposit in the wrong band", "ada", breadfund.TypeDeposit, breadfund.DepositData{Commons: lib, Member: g.ids["ada"], Period: "2026-01", Amount: 4000}, meent.ERULE)
	at("2026-02-04")
	g.ok("maya admits works after the window", "maya", breadfund.TypeAdmit, breadfund.CandidateData{Commons: lib, Candidate: g.ids["works"]})
	for _, month := range []string{"2026-01", "2026-02"} {
		for _, who := range []string{"maya", "ben", "ada"} {
			g.ok(who+" deposits for "+month, who, breadfund.TypeDeposit, breadfund.DepositData{Commons: lib, Member: g.ids[who], Period: month, Amount: 4500})
		}
	}
	g.ok("works deposits for 2026-02", "works", breadfund.TypeDeposit, breadfund.DepositData{Commons: lib, Member: g.ids["works"], Period: "2026-02", Amount: 4500})
	claim := g.ok("ada reports sick from 2 February", "ada", breadfund.TypeSick, breadfund.SickData{Commons: lib, Member: g.ids["ada"], Start: "2026-02-02", Percent: 100})
	g.ok("maya makes ben ada's buddy and plans 50% from April", "maya", breadfund.TypeChange, breadfund.ChangeData{Claim: claim, Percent: 50, From: "2026-04-01", Buddy: g.ids["ben"], CheckinDays: 14})
	g.bad("a check-in by someone who is not the member, the buddy or the board", "works", breadfund.TypeCheckin, breadfund.CheckinData{Claim: claim}, meent.EFORBIDDEN)
	g.ok("ben, ada's buddy, checks in", "ben", breadfund.TypeCheckin, breadfund.CheckinData{Claim: claim})
	at("2026-03-02")
	g.bad("a gift in the waiting period", "maya", breadfund.TypeGifts, breadfund.GiftsData{Commons: lib, Period: "2026-03",
		Gifts: []breadfund.Gift{{Claim: claim, Member: g.ids["ada"], Amount: 100000}}}, meent.ERULE)
	at("2026-04-02")
	g.bad("a gift above the level", "maya", breadfund.TypeGifts, breadfund.GiftsData{Commons: lib, Period: "2026-04",
		Gifts: []breadfund.Gift{{Claim: claim, Member: g.ids["ada"], Amount: 100000}}}, meent.ERULE)
	g.ok("maya computes April's gifts", "maya", breadfund.TypeGifts, breadfund.GiftsData{Commons: lib, Period: "2026-04",
		Gifts: []breadfund.Gift{{Claim: claim, Member: g.ids["ada"], Amount: 50000}}})
	april := breadfund.GiftsID(lib, "2026-04")
	g.ok("maya approves April's gifts", "maya", breadfund.TypeApprove, breadfund.PayoutRef{Commons: lib, Payout: april})
	g.ok("ben approves April's gifts", "ben", breadfund.TypeApprove, breadfund.PayoutRef{Commons: lib, Payout: april})
	g.ok("maya records April's gifts as paid", "maya", breadfund.TypeSettle, breadfund.SettleData{Commons: lib, Payout: april, Reference: "SEPA BF-2026-04"})
	at("2026-04-21")
	g.ok("ada recovers on 20 April", "ada", breadfund.TypeRecover, breadfund.RecoverData{Claim: claim, End: "2026-04-20"})
	g.ok("maya charges the bank's costs", "maya", breadfund.TypeCost, breadfund.CostData{Commons: lib, Amount: 2500, Description: "bank costs 2026"})
	g.bad("an exit outside the window", "works", breadfund.TypeExit, breadfund.ExitData{Commons: lib, Member: g.ids["works"]}, meent.ERULE)
	at("2026-07-01")
	for _, month := range []string{"2026-03", "2026-04", "2026-05", "2026-06"} {
		for _, who := range []string{"maya", "ben"} {
			g.ok(who+" deposits for "+month, who, breadfund.TypeDeposit, breadfund.DepositData{Commons: lib, Member: g.ids[who], Period: month, Amount: 4500})
		}
	}
	g.ok("works leaves in July with a pot below 0", "works", breadfund.TypeExit, breadfund.ExitData{Commons: lib, Member: g.ids["works"]})
	at("2026-12-01")
	g.ok("maya refunds the buffer above its cap", "maya", breadfund.TypeSurplus, breadfund.SurplusData{Commons: lib, Year: 2026, Refunds: g.st.Breadfund.DueSurplus(lib)})
	// Last, as nothing after it may depend on it: a node without private
	// records refuses it (the reason is a private record).
	g.ok("maya reports sick with a private reason", "maya", breadfund.TypeSick, breadfund.SickData{Commons: lib, Member: g.ids["maya"], Start: "2026-11-30", Percent: 50,
		ReasonCommitment: "d09694b0a611721d5e44d15dc76c531c695f52c1595e1edd355d043e2b880b47"})
}
