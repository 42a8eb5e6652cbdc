-- Standards imported before the depth was kept: rebuild each indicator's path of levels from the
-- two stored levels. A level-2 that folded deeper levels (titles "a / b / c", codes "1.1.1") is
-- split back where its titles and codes count alike; otherwise it stays one level.
UPDATE "indicators" SET "levels" = CASE
  WHEN "code" = '' AND "title" = '' THEN '[]'::jsonb
  ELSE jsonb_build_array(jsonb_build_object('code', "code", 'title', "title"))
END
WHERE "depth" = 1;--> statement-breakpoint
UPDATE "indicators" AS child SET "levels" = parent."levels" || CASE
  WHEN child."code" = '' AND child."title" = '' THEN '[]'::jsonb
  WHEN cardinality(string_to_array(child."title", ' / ')) > 1
    AND cardinality(string_to_array(child."title", ' / ')) = cardinality(string_to_array(child."code", '.'))
  THEN (
    SELECT jsonb_agg(jsonb_build_object('code', part.code, 'title', part.title) ORDER BY part.n)
    FROM unnest(string_to_array(child."title", ' / '), string_to_array(child."code", '.'))
      WITH ORDINALITY AS part(title, code, n)
  )
  ELSE jsonb_build_array(jsonb_build_object('code', child."code", 'title', child."title"))
END
FROM "indicators" AS parent
WHERE child."depth" = 2 AND parent."id" = child."parent_id";--> statement-breakpoint
UPDATE "standards" AS standard SET "depth" = coalesce((
  SELECT max(jsonb_array_length(indicator."levels")) FROM "indicators" AS indicator
  WHERE indicator."standard_id" = standard."id"
), 0);
