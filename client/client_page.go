package client

import (
	"context"
	"net/url"
	"strconv"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
)

// maxClientPages bounds how many pages a listing follows, so a server
// whose cursors never end cannot keep a client busy forever.
const maxClientPages = 1 << 20

// listAll reads every page of a list at path (its query in q), following
// the cursors, in pages of the largest size the API allows.
func listAll[L any, T any](ctx context.Context, c *Client, path string, q url.Values, items func(*L) ([]T, string)) ([]T, error) {
	if q == nil {
		q = url.Values{}
	}
	q.Set("limit", strconv.Itoa(api.MaxLimit))
	var out []T
	for pages := 0; pages < maxClientPages; pages++ {
		var page L
		if err := c.getJSON(ctx, path+"?"+q.Encode(), &page); err != nil {
			return out, err
		}
		got, next := items(&page)
		out = append(out, got...)
		if next == "" {
			if out == nil {
				out = []T{}
			}
			return out, nil
		}
		q.Set("cursor", next)
	}
	return out, meent.Errorf(meent.EUNAVAILABLE, "the list at %s does not end", path)
}
