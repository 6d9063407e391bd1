"""Cypher query packs and their runner (see issue: query packs)."""
