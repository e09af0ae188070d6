package api

// BlobInfo is the answer to an upload.
type BlobInfo struct {
	Hash string `json:"hash"` // lowercase hex SHA-256
	Size int64  `json:"size"` // bytes
}
