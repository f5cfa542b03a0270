"""Stored files and images: photos checked, oriented, stripped and resized once when uploaded,
kept under content-hashed names on disk or in S3-compatible object storage. Imports no
domain: whoever shows a photo holds its ``StoredImage`` id."""
