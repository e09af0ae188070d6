package http

import (
	"context"

	"github.com/meent/meent/node"
	"github.com/meent/meent/private"
	"github.com/meent/meent/value"
)

// Settle signs d as a payout.settle for agentID, after storing privateRef
// (if any) as a private record of the commons, owned by agentID: the
// record first, then the event, as private.Store promises.
func (s *Server) Settle(ctx context.Context, agentID string, d value.SettleData, privateRef string) (node.Receipt, error) {
	if err := s.AccountsEnabled(); err != nil {
		return node.Receipt{}, err
	}
	if privateRef != "" {
		ps, err := s.PrivateStore()
		if err != nil {
			return node.Receipt{}, err
		}
		// Stored even if the event is then refused: an orphan record is
		// harmless and meent erase --orphans collects it.
		rec, err := private.Seal([]byte(privateRef), agentID, d.Commons, s.Now().UnixMilli())
		if err != nil {
			return node.Receipt{}, err
		}
		if err := ps.PutPrivate(ctx, rec); err != nil {
			return node.Receipt{}, err
		}
		d.RefCommitment = rec.Commitment.String()
	}
	return s.accounts.Act(ctx, agentID, value.TypePayoutSettle, d)
}
