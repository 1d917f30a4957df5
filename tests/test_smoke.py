"""First end-to-end path: sign in, create a customer, read it back."""

from tests.support import Api, World


async def test_me_and_customer_roundtrip(api: Api, world: World) -> None:
    token = world.token("sales")
    me = await api.data("{ me { email roles team } }", token=token)
    assert me["me"]["roles"] == ["sales"]
    created = await api.data(
        """mutation($i: CreateCustomerInput!) { createCustomer(input: $i) {
             customer { id name tags owner { email } address { city } }
             userErrors { field code message } } }""",
        {
            "i": {
                "name": "Acme 中国",
                "website": "https://acme.cn",
                "tags": ["vip"],
                "address": {"city": "上海"},
            }
        },
        token,
    )
    assert created["createCustomer"]["userErrors"] == []
    listed = await api.data(
        "{ customers(first: 5) { totalCount edges { node { name tags contacts { name } } } } }",
        token=token,
    )
    assert listed["customers"]["totalCount"] == 1
    assert listed["customers"]["edges"][0]["node"]["tags"] == ["vip"]
    hits = await api.data('{ search(query: "acme") { type title node { id } } }', token=token)
    assert hits["search"][0]["title"] == "Acme 中国"
