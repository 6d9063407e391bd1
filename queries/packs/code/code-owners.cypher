// name: code-owners
// description: Repository owners (labs, organisations, users) with code linked by the most papers, and repos shared by several papers.
// param: limit int = 15
MATCH (p:Paper)-[:HAS_CODE]->(r:Repo)
WITH r.host + '/' + r.owner AS owner, collect(DISTINCT r.name) AS repos,
     count(DISTINCT p) AS papers
RETURN owner, papers, size(repos) AS repo_count, repos[..5] AS repos
ORDER BY papers DESC, repo_count DESC, owner
LIMIT $limit
