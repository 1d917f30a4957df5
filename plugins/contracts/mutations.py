"""The contracts plugin's mutations: each field hands its input to the module with the rule."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.graphql.context import mutation_payload, run_mutation
from core.graphql.permissions import requires
from plugins.contracts.drafting import create_contract, update_contract
from plugins.contracts.inputs import (
    ActivateContractInput,
    ContractPayload,
    ContractSettingsPayload,
    CreateContractInput,
    RenewContractInput,
    RenewContractPayload,
    TerminateContractInput,
    UpdateContractInput,
    UpdateContractSettingsInput,
)
from plugins.contracts.lifecycle import activate_contract, terminate_contract
from plugins.contracts.renewal import renew_contract
from plugins.contracts.settings import update_settings
from plugins.contracts.types import Contract, ContractSettings


@strawberry.type
class ContractMutations:
    @strawberry.mutation(
        permission_classes=requires("contract.write"),
        description="A DRAFT contract, numbered C-<year>-<n>.",
    )
    async def create_contract(self, info: Info, input: CreateContractInput) -> ContractPayload:
        return await mutation_payload(
            ContractPayload, "contract", Contract.from_row, create_contract(info.context, input)
        )

    @strawberry.mutation(permission_classes=requires("contract.write"))
    async def update_contract(self, info: Info, input: UpdateContractInput) -> ContractPayload:
        return await mutation_payload(
            ContractPayload, "contract", Contract.from_row, update_contract(info.context, input)
        )

    @strawberry.mutation(permission_classes=requires("contract.write"))
    async def activate_contract(self, info: Info, input: ActivateContractInput) -> ContractPayload:
        return await mutation_payload(
            ContractPayload, "contract", Contract.from_row, activate_contract(info.context, input)
        )

    @strawberry.mutation(permission_classes=requires("contract.write"))
    async def renew_contract(self, info: Info, input: RenewContractInput) -> RenewContractPayload:
        async def body() -> RenewContractPayload:
            successor, predecessor = await renew_contract(info.context, input)
            return RenewContractPayload(
                contract=Contract.from_row(successor), predecessor=Contract.from_row(predecessor)
            )

        return await run_mutation(RenewContractPayload, body)

    @strawberry.mutation(permission_classes=requires("contract.write"))
    async def terminate_contract(
        self, info: Info, input: TerminateContractInput
    ) -> ContractPayload:
        return await mutation_payload(
            ContractPayload, "contract", Contract.from_row, terminate_contract(info.context, input)
        )

    @strawberry.mutation(permission_classes=requires("contract.manage"))
    async def update_contract_settings(
        self, info: Info, input: UpdateContractSettingsInput
    ) -> ContractSettingsPayload:
        async def body() -> ContractSettingsPayload:
            row = await update_settings(info.context, input)
            return ContractSettingsPayload(
                settings=ContractSettings(renewal_reminder_days=row.renewal_reminder_days)
            )

        return await run_mutation(ContractSettingsPayload, body)
