package api

// TokenInfo describes one API token; never its secret, which the node does
// not keep.
type TokenInfo struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Created  Timestamp  `json:"created"`
	Expires  Timestamp  `json:"expires"`
	LastUsed *Timestamp `json:"last_used"` // null when never used; recorded to the minute
	Expired  bool       `json:"expired"`
}

// TokenList is GET /api/v1/tokens.
type TokenList struct {
	Tokens []TokenInfo `json:"tokens"`
}
