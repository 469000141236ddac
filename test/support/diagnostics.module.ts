/**
 * Test-only routes that exercise the global conventions (validation, forced 500, writes that
 * must not happen on bad input). Mounted only by the e2e harness, never by the app.
 */
import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';
import type { Connection } from 'mongoose';
import { Public } from '../../src/common/http/public.decorator';
import { ParseObjectIdPipe } from '../../src/common/http/parse-object-id.pipe';

class LineDto {
  @IsInt()
  @Min(1)
  quantity: number;
}

class EchoDto {
  @IsString()
  @MinLength(2)
  name: string;

  @IsInt()
  @Min(0)
  @Max(1000)
  count: number;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines?: LineDto[];
}

class SearchQuery {
  @IsOptional()
  @IsString()
  q?: string;
}

@Public()
@Controller('_diagnostics')
class DiagnosticsController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** Writes the body to a collection, so tests can prove rejected input wrote nothing. */
  @Post('echo')
  async echo(@Body() body: EchoDto): Promise<EchoDto> {
    await this.connection.collection('diagnostics').insertOne({ ...body });
    return body;
  }

  @Get('search')
  async search(@Query() query: SearchQuery): Promise<{ q: string | null }> {
    await this.connection.collection('diagnostics').insertOne({ q: query.q ?? null });
    return { q: query.q ?? null };
  }

  @Get('count')
  async count(): Promise<{ count: number }> {
    return { count: await this.connection.collection('diagnostics').countDocuments() };
  }

  @Get('things/:id')
  thing(@Param('id', ParseObjectIdPipe) id: string): { id: string } {
    return { id };
  }

  @Post('boom')
  @HttpCode(200)
  boom(): never {
    const error = new Error('MongoServerError: E11000 at /srv/app/secret.ts:42 internal id 0xdeadbeef');
    throw error;
  }
}

@Module({ controllers: [DiagnosticsController] })
export class DiagnosticsModule {}
