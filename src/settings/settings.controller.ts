import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiETag, IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ANY_ROLE, Role } from '../auth/role';
import { AddSettingItemDto } from './dto/add-setting-item.dto';
import { PutSettingDto } from './dto/put-setting.dto';
import { SettingDto } from './dto/setting.dto';
import { SETTING_KEY, SettingItemPipe, SettingKeyPipe } from './setting-key.pipe';
import { SettingsService } from './settings.service';
import { ApiInvalidState, ApiNotFound, ApiValidationFailed } from '../common/swagger/api-problems';

const ADMIN = [Role.Admin];
const ApiBadSettingInput = (): MethodDecorator =>
  ApiValidationFailed('Invalid body, query or path (bad setting key, `invalid-key` for `$`/dotted keys); nothing was written.', { field: 'key', message: `must match ${SETTING_KEY}` });
const ApiNotAList = (): MethodDecorator => ApiInvalidState('The setting holds a single value, not a list.', 'value');
const KEY_PARAM = { name: 'key', example: 'document-categories', description: `Lower case, digits, \`-\` and \`_\` (e.g. \`dropdown_customers\`): ${SETTING_KEY.source}` } as const;

/** Tenant settings. Everyone reads; admins change them. */
@ApiTags('settings')
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get(':key')
  @Authenticated({ roles: ANY_ROLE })
  @ApiBadSettingInput()
  @ApiOperation({ summary: 'Read a setting (ETag; If-None-Match → 304)' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: SettingDto })
  @ApiETag()
  @ApiNotFound('setting')
  get(@CurrentUser() user: AuthUser, @Param('key', SettingKeyPipe) key: string): Promise<SettingDto> {
    return this.settings.get(user, key);
  }

  @Put(':key')
  @Authenticated({ roles: ADMIN })
  @ApiBadSettingInput()
  @RequireIfMatch({
    example: '"0"',
    description: 'The ETag of the version you last read; `"0"` for a key that does not exist yet (creates it once: a second `"0"` is a 412).',
  })
  @ApiOperation({
    summary: 'Replace a setting under If-Match',
    description: 'A missing setting is version 0: send `If-Match: "0"` to create it. An array of strings makes a list setting.',
  })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: SettingDto, description: 'The setting at its new version (ETag).' })
  @ApiNotFound('setting')
  put(@CurrentUser() user: AuthUser, @Param('key', SettingKeyPipe) key: string, @IfMatchVersion() version: number, @Body() dto: PutSettingDto): Promise<SettingDto> {
    return this.settings.put(user, key, version, dto.value);
  }

  @Post(':key/items')
  @HttpCode(200)
  @Authenticated({ roles: ADMIN })
  @ApiBadSettingInput()
  @ApiOperation({
    operationId: 'addSettingItem',
    summary: 'Add an option to a list setting (created if absent)',
    description: 'Atomic $addToSet: concurrent admins adding different options all keep theirs; adding an existing option is a no-op.',
  })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: SettingDto })
  @ApiNotAList()
  addItem(@CurrentUser() user: AuthUser, @Param('key', SettingKeyPipe) key: string, @Body() dto: AddSettingItemDto): Promise<SettingDto> {
    return this.settings.addItem(user, key, dto.value);
  }

  @Delete(':key/items/:value')
  @Authenticated({ roles: ADMIN })
  @ApiBadSettingInput()
  @ApiOperation({ operationId: 'removeSettingItem', summary: 'Remove an option from a list setting (atomic $pull; idempotent)' })
  @ApiParam(KEY_PARAM)
  @ApiParam({ name: 'value', example: 'invoices', description: 'The option, URL-encoded.' })
  @ApiOkResponse({ type: SettingDto })
  @ApiNotFound('setting')
  @ApiNotAList()
  removeItem(
    @CurrentUser() user: AuthUser,
    @Param('key', SettingKeyPipe) key: string,
    @Param('value', SettingItemPipe) value: string,
  ): Promise<SettingDto> {
    return this.settings.removeItem(user, key, value);
  }
}
