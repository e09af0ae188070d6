package state

import (
	"github.com/meent/meent/agent"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/license"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/value"
)

// EventType is an event type the rules accept, with the Go type its data
// decodes into (strictly: docs/ledger.md §2).
type EventType struct {
	Type string
	Area string // the rules package that owns it
	Data any    // a zero value of the data's Go type
}

// EventTypes lists every event type, in the order of docs/events.md. It is
// the catalogue docs/events.md is checked against: a test fails when a
// rules package owns a type missing here, or when a type's data members
// differ from the document.
var EventTypes = []EventType{
	{agent.TypeCreate, "agent", agent.CreateData{}},
	{agent.TypeUpdate, "agent", agent.UpdateData{}},
	{agent.TypeKeyAdd, "agent", agent.KeyData{}},
	{agent.TypeKeyRevoke, "agent", agent.KeyData{}},
	{agent.TypeMemberSet, "agent", agent.MemberData{}},
	{agent.TypeMemberRm, "agent", agent.MemberData{}},

	{commons.TypeCreate, "commons", commons.CreateData{}},
	{commons.TypeUpdate, "commons", commons.UpdateData{}},
	{commons.TypeMaintainerAdd, "commons", commons.MaintainerData{}},
	{commons.TypeMaintainerRemove, "commons", commons.MaintainerData{}},
	{commons.TypeFork, "commons", commons.ForkData{}},
	{commons.TypeSubmit, "commons", commons.SubmitData{}},
	{commons.TypeRevise, "commons", commons.ReviseData{}},
	{commons.TypeReview, "commons", commons.ReviewData{}},
	{commons.TypeDispute, "commons", commons.DisputeData{}},
	{commons.TypeResolve, "commons", commons.ResolveData{}},
	{commons.TypeEndorse, "commons", commons.RefData{}},
	{commons.TypeImport, "commons", commons.ImportData{}},
	{commons.TypeIdentityClaim, "commons", commons.IdentityData{}},
	{commons.TypeIdentityAttest, "commons", commons.IdentityData{}},
	{commons.TypeIdentityContest, "commons", commons.ContestData{}},
	{commons.TypeIdentityReject, "commons", commons.ContestData{}},
	{commons.TypeIdentityFinalize, "commons", commons.IdentityData{}},
	{commons.TypeNeedPost, "commons", commons.NeedData{}},
	{commons.TypeNeedSignal, "commons", commons.SignalData{}},
	{commons.TypeNeedClaim, "commons", commons.ClaimData{}},
	{commons.TypeNeedRenew, "commons", commons.ClaimData{}},
	{commons.TypeNeedRelease, "commons", commons.RefData{}},
	{commons.TypeNeedClose, "commons", commons.CloseData{}},

	{value.TypePolicySet, "value", value.PolicySetData{}},
	{value.TypeIncomeRecord, "value", value.IncomeData{}},
	{value.TypeDistributionRun, "value", value.RunData{}},
	{value.TypePayoutSettle, "value", value.SettleData{}},

	{license.TypePolicySet, "license", license.PolicySetData{}},
	{license.TypeAttest, "license", license.AttestData{}},
	{license.TypeRequest, "license", license.RequestData{}},
	{license.TypePay, "license", license.PayData{}},
	{license.TypeRevoke, "license", license.RevokeData{}},

	{governance.TypeOpen, "governance", governance.OpenData{}},
	{governance.TypeVote, "governance", governance.VoteData{}},
	{governance.TypeDelegate, "governance", governance.DelegateData{}},
	{governance.TypeUndelegate, "governance", governance.UndelegateData{}},
	{governance.TypeClose, "governance", governance.PollRef{}},
	{governance.TypeCancel, "governance", governance.CancelData{}},
	{governance.TypeRulesSet, "governance", governance.RulesData{}},
	{budget.TypeRoundOpen, "budget", budget.RoundData{}},
	{budget.TypeFund, "budget", budget.FundData{}},
	{budget.TypeBucketPropose, "budget", budget.BucketData{}},
	{budget.TypeBucketEdit, "budget", budget.EditData{}},
	{budget.TypeBucketCancel, "budget", budget.CancelData{}},
	{budget.TypeAllocate, "budget", budget.AllocateData{}},
	{budget.TypeWithdraw, "budget", budget.WithdrawData{}},
	{budget.TypeApprove, "budget", budget.ApproveData{}},
	{budget.TypeRoundClose, "budget", budget.CloseData{}},
	{budget.TypeSpend, "budget", budget.SpendData{}},
	{credit.TypeCurrencyCreate, "credit", credit.CurrencyData{}},
	{credit.TypeCurrencyUpdate, "credit", credit.CurrencyData{}},
	{credit.TypeTransfer, "credit", credit.TransferData{}},
	{credit.TypeLimitSet, "credit", credit.LimitData{}},
	{credit.TypeDemurrage, "credit", credit.DemurrageData{}},
	{breadfund.TypePolicySet, "breadfund", breadfund.PolicySetData{}},
	{breadfund.TypeJoin, "breadfund", breadfund.JoinData{}},
	{breadfund.TypeObject, "breadfund", breadfund.CandidateData{}},
	{breadfund.TypeAdmit, "breadfund", breadfund.CandidateData{}},
	{breadfund.TypeDeposit, "breadfund", breadfund.DepositData{}},
	{breadfund.TypeLevel, "breadfund", breadfund.LevelData{}},
	{breadfund.TypeSick, "breadfund", breadfund.SickData{}},
	{breadfund.TypeChange, "breadfund", breadfund.ChangeData{}},
	{breadfund.TypeRecover, "breadfund", breadfund.RecoverData{}},
	{breadfund.TypeCheckin, "breadfund", breadfund.CheckinData{}},
	{breadfund.TypeGifts, "breadfund", breadfund.GiftsData{}},
	{breadfund.TypeApprove, "breadfund", breadfund.PayoutRef{}},
	{breadfund.TypeSettle, "breadfund", breadfund.SettleData{}},
	{breadfund.TypeCost, "breadfund", breadfund.CostData{}},
	{breadfund.TypeExit, "breadfund", breadfund.ExitData{}},
	{breadfund.TypeSurplus, "breadfund", breadfund.SurplusData{}},
	{sharing.TypeCatalogue, "sharing", sharing.CatalogueData{}},
	{sharing.TypeResourceAdd, "sharing", sharing.ResourceData{}},
	{sharing.TypeResourceUpdate, "sharing", sharing.ResourceData{}},
	{sharing.TypeResourceStatus, "sharing", sharing.StatusData{}},
	{sharing.TypeTraining, "sharing", sharing.TrainingData{}},
	{sharing.TypeBook, "sharing", sharing.BookData{}},
	{sharing.TypeApprove, "sharing", sharing.BookingRef{}},
	{sharing.TypeCancel, "sharing", sharing.CancelData{}},
	{sharing.TypeEnd, "sharing", sharing.BookingRef{}},
	{sharing.TypeCheckOut, "sharing", sharing.HandData{}},
	{sharing.TypeCheckIn, "sharing", sharing.HandData{}},
	{sharing.TypePay, "sharing", sharing.PayData{}},
	{sharing.TypeDamage, "sharing", sharing.DamageData{}},
	{sharing.TypeRepair, "sharing", sharing.DamageData{}},
}
