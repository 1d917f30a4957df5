"""GraphQL over HTTP as API.md promises: transport, error codes, limits, masking."""

from __future__ import annotations

from tests.support import Api, World, error_codes


async def test_get_runs_queries_but_never_mutations(api: Api, world: World) -> None:
    headers = {"authorization": f"Bearer {world.token('sales')}"}
    ok = await api.client.get("/graphql", params={"query": "{ me { email } }"}, headers=headers)
    assert ok.status_code == 200 and ok.json()["data"]["me"]["email"].startswith("sales@")
    refused = await api.client.get(
        "/graphql",
        params={
            "query": 'mutation { createCustomer(input: {name: "Via GET"}) { customer { id } } }'
        },
        headers=headers,
    )
    assert refused.status_code == 405
    listed = await api.data("{ customers { totalCount } }", token=world.token("sales"))
    assert listed["customers"]["totalCount"] == 0


async def test_browsers_get_graphiql(api: Api) -> None:
    page = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_graphql_response_media_type(api: Api, world: World) -> None:
    response = await api.post(
        "{ nosuchfield }", token=world.token("sales"), accept="application/graphql-response+json"
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]
    plain = await api.post("{ nosuchfield }", token=world.token("sales"))
    assert plain.status_code == 200 and error_codes(plain.json()) == ["BAD_USER_INPUT"]


async def test_malformed_requests_get_clear_errors(api: Api) -> None:
    bad_json = await api.client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert (
        bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["errors"][0]["message"]
    )
    no_query = await api.client.post("/graphql", json={"variables": {}})
    assert no_query.status_code == 400
    form = await api.client.post("/graphql", data={"query": "{ me { email } }"})
    assert form.status_code == 415


async def test_tokens_are_checked(api: Api, world: World) -> None:
    anonymous = await api.gql("{ me { email } }")
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    forged = await api.post("{ me { email } }", token=world.token("sales")[:-4] + "AAAA")
    assert forged.status_code == 401 and error_codes(forged.json()) == ["UNAUTHENTICATED"]
    # A business field asked anonymously says "sign in", not "unknown field".
    assert error_codes(await api.gql("{ customers { totalCount } }")) == ["UNAUTHENTICATED"]


async def test_page_size_is_bounded_not_clamped(api: Api, world: World) -> None:
    body = await api.gql("{ customers(first: 101) { totalCount } }", token=world.token("admin"))
    assert error_codes(body) == ["BAD_USER_INPUT"] and "100" in body["errors"][0]["message"]
    body = await api.gql(
        "{ customers(first: 1, last: 1) { totalCount } }", token=world.token("admin")
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_depth_alias_and_token_limits(api: Api, world: World) -> None:
    token = world.token("admin")
    deep = "{ customers { edges { node { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } }"
    assert error_codes(await api.gql(deep, token=token)) == ["BAD_USER_INPUT"]
    aliases = "{ " + " ".join(f"a{i}: me {{ email }}" for i in range(40)) + " }"
    assert error_codes(await api.gql(aliases, token=token)) == ["BAD_USER_INPUT"]
    tokens = "{ me { " + " ".join(["email"] * 3000) + " } }"
    assert error_codes(await api.gql(tokens, token=token)) == ["BAD_USER_INPUT"]


async def test_internal_errors_are_masked(api: Api, world: World) -> None:
    # The insights test plugin has a field that fails the way a buggy plugin would.
    body = await api.gql("{ insightFailure }", token=world.token("admin"))
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert body["errors"][0]["message"] == "Internal server error."
    assert "secret" not in str(body) and "passwd" not in str(body)


async def test_variables_that_do_not_fit_their_type_are_bad_input(api: Api, world: World) -> None:
    body = await api.gql(
        "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }",
        {"i": {"name": "x", "bogus": 1}},
        world.token("admin"),
    )
    assert error_codes(body) == ["BAD_USER_INPUT"] and "bogus" in body["errors"][0]["message"]
